// Tests for gateway/main.cpp: lookout-gateway's command line (docs/cli.md), as the demo,
// the tests, `lookout flash` and a board's service start it.
#include <doctest/doctest.h>

#include "firmware/command_line.hpp"
#include "gateway/gateway_app.hpp"
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

const std::string SITE = std::string(LOOKOUT_SOURCE_DIR) + "/docs/examples/site.toml";

CommandResult gateway(std::vector<std::string> args) {
  args.insert(args.begin(), bin("lookout-gateway"));
  return run_command(args);
}

}  // namespace

TEST_SUITE("gateway.main") {
  TEST_CASE("lookout-gateway --help and -h print the usage on stdout with exit 0") {
    for (const char* help : {"--help", "-h"}) {
      const auto r = gateway({help});
      CHECK(r.status == 0);
      CHECK(r.err.empty());
      CHECK(r.out.starts_with("usage: lookout-gateway [--board BOARD.toml] --config SITE.toml\n"));
      for (const char* option : {"--config", "--check", "--self-test", "--board", "--version"}) {
        CHECK_MESSAGE(r.out.find(std::string("\n  ") + option) != std::string::npos, option);
      }
    }
  }

  TEST_CASE("lookout-gateway --version is the project's and the firmware's version") {
    const auto r = gateway({"--version"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "lookout-gateway " + std::string(lookout::command_line::version()) + "\n");
    // what a gateway reports in its status and a bundle's manifest says
    CHECK(lookout::command_line::version() == lookout::gateway::FIRMWARE_VERSION);
  }

  TEST_CASE("lookout-gateway --check and --config take FILE or =FILE") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"--check", SITE}, {"--check=" + SITE}}) {
      const auto r = gateway(args);
      CHECK_MESSAGE(r.status == 0, r.err);
      CHECK(r.out == SITE + ": ok\n");
    }
  }

  TEST_CASE("lookout-gateway refuses a bad command line with exit 2 naming what is wrong") {
    struct Case {
      std::vector<std::string> args;
      std::string first_line;
    };
    for (const auto& c : std::vector<Case>{
             {{}, "lookout-gateway: say which site file: --config or --check SITE.toml"},
             {{"--bogus", "--config", SITE}, "lookout-gateway: unknown option \"--bogus\""},
             {{"--config"}, "lookout-gateway: --config: 1 required SITE.toml missing"},
             {{"--config", SITE, "--check", SITE}, "lookout-gateway: --config excludes --check"},
             {{"--self-test", "--check", SITE}, "lookout-gateway: --self-test requires --config"},
             {{"--config", SITE, "extra"}, "lookout-gateway: The following argument was not expected: extra"},
         }) {
      const auto r = gateway(c.args);
      CAPTURE(c.first_line);
      CHECK(r.status == 2);
      CHECK(r.out.empty());
      CHECK(r.err.substr(0, r.err.find('\n')) == c.first_line);
      CHECK(r.err.find("\nusage: lookout-gateway ") != std::string::npos);
    }
  }
}
