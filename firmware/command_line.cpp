#include "firmware/command_line.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

namespace lookout::command_line {

namespace {

/// The help of one app: its usage lines first (written out, or CLI11's), then the rest
/// as CLI11 makes it. Subcommands inherit their parent's formatter when they are made, so
/// the written usage is shown only for the app it was written for.
class UsageFormatter : public CLI::Formatter {
 public:
  UsageFormatter(const CLI::App* owner, std::string usage) : owner_(owner), usage_(std::move(usage)) {
    label("Usage", "usage");
  }

  bool owns(const CLI::App* app) const { return app == owner_; }

  std::string make_usage(const CLI::App* app, std::string name) const override {
    if (app == owner_ && !usage_.empty()) return usage_;
    return CLI::Formatter::make_usage(app, std::move(name));
  }

  /// "--tcp HOST:PORT", without CLI11's "Needs:" and "Excludes:" (the usage lines say how
  /// options go together) or a positional's type: its name says it.
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
    std::string out;
    if (opt->get_type_size() != 0) {
      if (!opt->get_positional() && !opt->get_type_name().empty()) out += " " + opt->get_type_name();
      if (!opt->get_default_str().empty()) out += "=" + opt->get_default_str();
      if (opt->get_required()) out += " REQUIRED";
    }
    if (!opt->get_envname().empty()) out += " (env " + opt->get_envname() + ")";
    return out;
  }

  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    std::ostringstream out;
    out << make_usage(app, name);
    if (const auto description = make_description(app); !description.empty()) out << "\n" << description;
    out << make_positionals(app) << make_groups(app, mode) << make_subcommands(app, mode) << '\n'
        << make_footer(app);
    return out.str();
  }

 private:
  const CLI::App* owner_;
  std::string usage_;
};

std::string usage_of(const CLI::App& app) {
  const auto f = std::dynamic_pointer_cast<UsageFormatter>(app.get_formatter());
  if (f && f->owns(&app)) return f->make_usage(&app, path_of(app));
  return UsageFormatter(&app, "").make_usage(&app, path_of(app));
}

/// The command the line got to: the deepest subcommand parsed.
const CLI::App& reached(const CLI::App& app) {
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) at = at->get_subcommands().front();
  return *at;
}

/// An unknown option first: CLI11 would rather say what is missing ("--control is
/// required") than that "--contrl" means nothing. And its "A subcommand is required" says
/// neither which there are nor what was typed.
std::string what_is_wrong(const CLI::App& at, const std::string& message) {
  const auto rest = at.remaining();
  const bool no_command = message == "A subcommand is required";
  // "lookout token mint --db x": mint, not --db (an option of the commands below token)
  if (no_command && !rest.empty() && !rest.front().starts_with("-")) return "unknown command \"" + rest.front() + "\"";
  for (const auto& word : rest) {
    if (word.size() > 1 && word.starts_with("-")) return "unknown option \"" + word + "\"";
  }
  if (!no_command) return message;
  std::string names;
  for (const auto* sub : at.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return "which command? one of " + names;
}

std::string refused(const CLI::App& app, const std::string& message) {
  const auto& at = reached(app);
  const auto path = path_of(at);
  return path + ": " + what_is_wrong(at, message) + "\n" + usage_of(at) + "(" + path + " --help says more)\n";
}

/// --version on `app` and every subcommand below it, and the house formatter where none was set.
void prepare(CLI::App& app, const std::string& version_line) {
  app.set_version_flag("--version", version_line, "Print the version and exit");
  const auto f = std::dynamic_pointer_cast<UsageFormatter>(app.get_formatter());
  if (!f || !f->owns(&app)) app.formatter(std::make_shared<UsageFormatter>(&app, ""));
  for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) prepare(*sub, version_line);
}

}  // namespace

std::string_view version() { return LOOKOUT_VERSION; }

void set_usage(CLI::App& app, std::string usage) {
  app.formatter(std::make_shared<UsageFormatter>(&app, std::move(usage)));
}

void set_action(CLI::App& command, std::function<int()> run) {
  // CLI11's way out of a callback with an exit status; parse() catches it.
  command.callback([run = std::move(run)] { throw CLI::RuntimeError(run()); });
}

std::string path_of(const CLI::App& app) {
  std::string path = app.get_name();
  for (const auto* p = app.get_parent(); p != nullptr; p = p->get_parent()) path = p->get_name() + " " + path;
  return path;
}

std::optional<int> parse(CLI::App& app, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  prepare(app, app.get_name() + " " + std::string(version()));
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    app.parse(reversed);
    return std::nullopt;
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    out << e.what() << "\n";
    return 0;
  } catch (const CLI::Error& e) {
    err << refused(app, e.what());
    return EXIT_USAGE;
  } catch (const UsageError& e) {
    err << refused(app, e.what());
    return EXIT_USAGE;
  }
}

std::optional<int> parse(CLI::App& app, int argc, const char* const* argv) {
  return parse(app, std::vector<std::string>(argv + std::min(argc, 1), argv + argc), std::cout, std::cerr);
}

}  // namespace lookout::command_line
