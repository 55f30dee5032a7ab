#pragma once
// Every program's command line, parsed by CLI11 one way (docs/cli.md):
//  - `--help` / `-h` prints the usage on stdout and exits 0, for the program and each of
//    its commands;
//  - `--version` prints "PROGRAM 0.1.0" (project(VERSION) in CMakeLists.txt) and exits 0,
//    for the program and each of its commands;
//  - a command line it refuses exits 2 with "PROGRAM [COMMAND]: what is wrong" and the
//    usage on stderr, nothing on stdout.
// Not part of the firmware's core: the programs' mains and the `lookout` commands link it.

#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace lookout::command_line {

/// The exit status of a command line a program refuses.
inline constexpr int EXIT_USAGE = 2;

/// A command line refused by a check CLI11 cannot make (a value's format, options that
/// go together), thrown from an option's or a command's callback; the message names the
/// argument. parse() reports it as it reports CLI11's own errors.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "0.1.0": project(VERSION) in CMakeLists.txt.
std::string_view version();

/// The usage lines of `app` (and of none of its subcommands), written out where CLI11's
/// would say less ("--tcp HOST:PORT | --rtu PATH"): --help shows them first, then the
/// description, the options, the commands and the footer; a refused command line shows
/// them after what is wrong. Each line ends with '\n'.
void set_usage(CLI::App& app, std::string usage);

/// Makes `run` what `command` does: when a command line names `command`, parse() runs it
/// once the whole line is parsed and checked, and returns what it returns.
void set_action(CLI::App& command, std::function<int()> run);

/// "lookout sim set": the names from the program down to `app`.
std::string path_of(const CLI::App& app);

/// Parses `args` (the words after the program's name) into `app`, with --help and
/// --version added to it and to each of its subcommands. Returns the status to exit with:
/// 0 when help or the version was shown (on `out`), EXIT_USAGE when the line was refused
/// (the message on `err`), an action's own status when the line named one; nullopt when
/// the line was good and named no action, for the caller to go on.
std::optional<int> parse(CLI::App& app, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// The same for main()'s argc and argv, on stdout and stderr.
std::optional<int> parse(CLI::App& app, int argc, const char* const* argv);

}  // namespace lookout::command_line
