// The `lookout` command line as a whole (tools/lookout/main.cpp and each command's
// add_NAME): help and --version for the program and every command, an unknown command or
// option, and every command with arguments missing or wrong, each refused with exit
// status 2, a line saying what is wrong and nothing on stdout.
#include <doctest/doctest.h>

#include "firmware/command_line.hpp"
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

CommandResult run_lookout(std::vector<std::string> args) {
  args.insert(args.begin(), bin("lookout"));
  return run_command(args);
}

/// Every command and every command below one, as typed after `lookout`.
const std::vector<std::vector<std::string>> COMMANDS{
    {"validate"},         {"status"},        {"token"},    {"token", "create"}, {"token", "list"},
    {"token", "revoke"},  {"scan"},          {"read"},     {"provision"},       {"bundle"},
    {"flash"},            {"sim"},           {"sim", "set"}, {"sim", "release"}, {"sim", "get"},
    {"sim", "list"},
};

std::string joined(const std::vector<std::string>& words) {
  std::string s = "lookout";
  for (const auto& w : words) s += " " + w;
  return s;
}

std::vector<std::string> plus(std::vector<std::string> words, const std::string& last) {
  words.push_back(last);
  return words;
}

}  // namespace

TEST_SUITE("lookout.main") {
  TEST_CASE("help lists every command on stdout with exit status 0") {
    for (const char* help : {"help", "--help", "-h"}) {
      const auto r = run_lookout({help});
      CHECK(r.status == 0);
      CHECK(r.err.empty());
      CHECK(r.out.starts_with("usage: lookout COMMAND [ARGS]\n"));
      for (const char* command : {"validate", "status", "token", "scan", "read", "provision", "bundle", "flash", "sim"}) {
        CHECK_MESSAGE(r.out.find(std::string("\n  ") + command + " ") != std::string::npos, command);
      }
    }
    // and each command its own
    auto r = run_lookout({"token", "--help"});
    for (const char* verb : {"create", "list", "revoke"}) {
      CHECK_MESSAGE(r.out.find(std::string("\n  ") + verb + " ") != std::string::npos, verb);
    }
    r = run_lookout({"sim", "--help"});
    for (const char* verb : {"set", "release", "get", "list"}) {
      CHECK_MESSAGE(r.out.find(std::string("\n  ") + verb + " ") != std::string::npos, verb);
    }
  }

  TEST_CASE("every command answers --help and help COMMAND with its usage on stdout and exit 0") {
    for (const auto& command : COMMANDS) {
      const auto shown = joined(command);
      for (const auto& args : {plus(command, "--help"), plus(command, "-h")}) {
        const auto r = run_lookout(args);
        CHECK_MESSAGE(r.status == 0, shown << "\nstderr: " << r.err);
        CHECK_MESSAGE(r.err.empty(), shown);
        CHECK_MESSAGE(r.out.starts_with("usage: " + shown), shown << "\nstdout: " << r.out);
      }
      auto help = command;
      help.insert(help.begin(), "help");
      CHECK_MESSAGE(run_lookout(help).out == run_lookout(plus(command, "--help")).out, shown);
    }
  }

  TEST_CASE("lookout validate --help is help - not a file to read") {
    TempDir dir;
    const auto r = run_lookout({"validate", "--help"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out.starts_with("usage: lookout validate SITE.toml\n"));
    // a file named --help is still reachable after --
    const auto file = run_lookout({"validate", "--", (dir / "--help").string()});
    CHECK(file.status == 1);
    CHECK(file.err.find((dir / "--help").string()) != std::string::npos);
  }

  TEST_CASE("lookout and every command answer --version with the project's version") {
    const std::string line = "lookout " + std::string(lookout::command_line::version()) + "\n";
    auto all = COMMANDS;
    all.insert(all.begin(), std::vector<std::string>{});
    for (const auto& command : all) {
      const auto r = run_lookout(plus(command, "--version"));
      CHECK_MESSAGE(r.status == 0, joined(command));
      CHECK_MESSAGE(r.out == line, joined(command));
      CHECK_MESSAGE(r.err.empty(), joined(command));
    }
  }

  TEST_CASE("an unknown option of any command exits 2 naming it with that command's usage") {
    auto all = COMMANDS;
    all.insert(all.begin(), std::vector<std::string>{});
    for (const auto& command : all) {
      const auto shown = joined(command);
      const auto r = run_lookout(plus(command, "--no-such-option"));
      CHECK_MESSAGE(r.status == 2, shown);
      CHECK_MESSAGE(r.out.empty(), shown);
      CHECK_MESSAGE(r.err.starts_with(shown + ": unknown option \"--no-such-option\"\nusage: " + shown),
                    shown << "\nstderr: " << r.err);
    }
  }

  TEST_CASE("no command or an unknown one exits 2 with the usage on stderr") {
    auto r = run_lookout({});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("lookout: which command? one of validate, status, token, scan, read, provision, bundle, "
                            "flash, sim\nusage: lookout COMMAND [ARGS]\n"));

    r = run_lookout({"frobnicate", "site.toml"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("lookout: unknown command \"frobnicate\"\nusage: lookout COMMAND [ARGS]\n"));
    // a command's name is exact
    r = run_lookout({"Validate", "site.toml"});
    CHECK(r.status == 2);
    CHECK(r.err.starts_with("lookout: unknown command \"Validate\"\n"));
    r = run_lookout({"token", "mint", "--db", "x.db"});
    CHECK(r.status == 2);
    CHECK(r.err.starts_with("lookout token: unknown command \"mint\"\nusage: lookout token create "));
  }

  TEST_CASE("each command with missing or wrong arguments exits 2 and says why") {
    struct Case {
      std::vector<std::string> args;
      std::string first_line;  ///< stderr's first line
    };
    const std::vector<Case> cases{
        {{"validate"}, "lookout validate: SITE.toml is required"},
        {{"validate", "a.toml", "b.toml"}, "lookout validate: The following argument was not expected: b.toml"},
        {{"status", "--api"}, "lookout status: --api: 1 required URL missing"},
        {{"status", "extra"}, "lookout status: The following argument was not expected: extra"},
        {{"token"}, "lookout token: which command? one of create, list, revoke"},
        {{"token", "create", "--role", "engineer", "--db", "x.db"}, "lookout token create: --name is required"},
        {{"token", "create", "--role", "root", "--name", "x", "--db", "x.db"},
         "lookout token create: --role must be regulator, officer, engineer or admin"},
        {{"token", "list"}, "lookout token list: --db is required"},
        {{"token", "revoke", "--db", "x.db"}, "lookout token revoke: ID is required"},
        {{"token", "revoke", "abc", "--db", "x.db"},
         "lookout token revoke: \"abc\" is not a token id (see lookout token list)"},
        {{"scan"}, "lookout scan: say where: --tcp HOST:PORT or --rtu PATH"},
        {{"scan", "--tcp"}, "lookout scan: --tcp: 1 required HOST:PORT missing"},
        {{"scan", "--tcp", "127.0.0.1:1502", "--rtu", "/dev/null"},
         "lookout scan: give one of --tcp HOST:PORT or --rtu PATH, once"},
        {{"scan", "--tcp", "127.0.0.1:1502", "--units", "5-2"},
         "lookout scan: --units \"5-2\": the last unit comes before the first"},
        {{"read"}, "lookout read: want SITE.toml DEVICE, or --tcp/--rtu with --unit"},
        {{"read", "site.toml"}, "lookout read: want SITE.toml DEVICE, or --tcp/--rtu with --unit"},
        {{"read", "--tcp", "127.0.0.1:1502", "--unit", "1"},
         "lookout read: say what to read: --holding, --input or --coils START COUNT"},
        {{"read", "--tcp", "127.0.0.1:1502", "--unit", "1", "--holding", "0"},
         "lookout read: --holding: At least 2 required but received 1"},
        {{"provision"}, "lookout provision: which GATEWAY? (or --aggregator)"},
        {{"provision", "gw-1", "--enterprise", "e", "--site", "s"},
         "lookout provision: --passwd FILE and --acl FILE are required"},
        {{"bundle"}, "lookout bundle: --board is required"},
        {{"flash"}, "lookout flash: BUNDLE is required"},
        {{"flash", "bundle", "--target"}, "lookout flash: --target: 1 required DIR missing"},
        {{"sim"}, "lookout sim: which command? one of set, release, get, list"},
        {{"sim", "set", "--control", "127.0.0.1:5020", "ch4-1", "ch4"}, "lookout sim set: VALUE is required"},
        {{"sim", "list"}, "lookout sim list: --control is required"},
    };
    for (const auto& c : cases) {
      const auto shown = joined(c.args);
      const auto r = run_lookout(c.args);
      CHECK_MESSAGE(r.status == 2, shown);
      CHECK_MESSAGE(r.out.empty(), shown);
      CHECK_MESSAGE(r.err.substr(0, r.err.find('\n')) == c.first_line, shown << "\nstderr: " << r.err);
      CHECK_MESSAGE(r.err.find("\nusage: lookout ") != std::string::npos, shown << "\nstderr: " << r.err);
    }
  }
}
