// The `lookout` command line as a whole (tools/lookout/main.cpp and each command's own
// checks): help, an unknown command, and every command with arguments missing or wrong,
// each refused with exit status 2, a line saying what is wrong and nothing on stdout.
#include <doctest/doctest.h>

#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

CommandResult run_lookout(std::vector<std::string> args) {
  args.insert(args.begin(), bin("lookout"));
  return run_command(args);
}

}  // namespace

TEST_SUITE("lookout.main") {
  TEST_CASE("help lists every command on stdout with exit status 0") {
    for (const char* help : {"help", "--help", "-h"}) {
      const auto r = run_lookout({help});
      CHECK(r.status == 0);
      CHECK(r.err.empty());
      CHECK(r.out.starts_with("usage: lookout COMMAND [ARGS]\n"));
      for (const char* command : {"validate", "status", "token create", "token list", "scan", "read", "provision",
                                  "bundle", "flash", "sim set", "sim get", "sim list"}) {
        CHECK_MESSAGE(r.out.find(std::string("\n  ") + command + " ") != std::string::npos, command);
      }
    }
  }

  TEST_CASE("no command or an unknown one exits 2 with the usage on stderr") {
    auto r = run_lookout({});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("usage: lookout COMMAND [ARGS]\n"));

    r = run_lookout({"frobnicate", "site.toml"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("lookout: unknown command \"frobnicate\"\nusage: lookout COMMAND [ARGS]\n"));
    // a command's name is exact
    r = run_lookout({"Validate", "site.toml"});
    CHECK(r.status == 2);
    CHECK(r.err.starts_with("lookout: unknown command \"Validate\"\n"));
  }

  TEST_CASE("each command with missing or wrong arguments exits 2 and says why") {
    struct Case {
      std::vector<std::string> args;
      std::string first_line;  ///< the start of stderr's first line
    };
    const std::vector<Case> cases{
        {{"validate"}, "usage: lookout validate SITE.toml"},
        {{"validate", "a.toml", "b.toml"}, "usage: lookout validate SITE.toml"},
        {{"status", "--bogus"}, "usage: lookout status [--api http://127.0.0.1:8080] [--token TOKEN] [--site SITE]"},
        {{"token"}, "usage: lookout token create --role regulator|officer|engineer|admin --name NAME"},
        {{"token", "create", "--role", "engineer", "--db", "x.db"},
         "lookout token: --name is required (who holds the token; it appears in the audit trail)"},
        {{"token", "list"}, "lookout token: --db is required (the aggregator's [storage] path)"},
        {{"scan"}, "lookout scan: say where: --tcp HOST:PORT or --rtu PATH"},
        {{"scan", "--tcp"}, "lookout scan: --tcp needs a value"},
        {{"scan", "--tcp", "127.0.0.1:1502", "--units", "5-2"},
         "lookout scan: --units \"5-2\": the last unit comes before the first"},
        {{"read"}, "lookout read: want SITE.toml DEVICE, or --tcp/--rtu with --unit"},
        {{"read", "site.toml"}, "lookout read: want SITE.toml DEVICE, or --tcp/--rtu with --unit"},
        {{"read", "--tcp", "127.0.0.1:1502", "--unit", "1"},
         "lookout read: say what to read: --holding, --input or --coils START COUNT"},
        {{"provision"}, "lookout provision: which GATEWAY?"},
        {{"provision", "gw-1", "--enterprise", "e", "--site", "s"},
         "lookout provision: --passwd FILE and --acl FILE are required"},
        {{"bundle"}, "usage: lookout bundle --board "},
        {{"flash"}, "usage: lookout flash BUNDLE --target DIR [--pubkey KEY.pem]"},
        {{"flash", "bundle", "--target"}, "lookout flash: unexpected \"--target\""},
        {{"sim"}, "usage: lookout sim set --control HOST:PORT DEVICE FIELD VALUE"},
        {{"sim", "set", "--control", "127.0.0.1:5020", "ch4-1", "ch4"},
         "usage: lookout sim set --control HOST:PORT DEVICE FIELD VALUE"},
    };
    for (const auto& c : cases) {
      std::string shown = "lookout";
      for (const auto& a : c.args) shown += " " + a;
      const auto r = run_lookout(c.args);
      CHECK_MESSAGE(r.status == 2, shown);
      CHECK_MESSAGE(r.out.empty(), shown);
      CHECK_MESSAGE(r.err.substr(0, r.err.find('\n')).starts_with(c.first_line), shown << "\nstderr: " << r.err);
    }
  }
}
