// Tests for aggregator/main.cpp: lookout-aggregator's command line (docs/cli.md), as the
// demo, the tests and the docs' examples start it.
#include <doctest/doctest.h>

#include "firmware/command_line.hpp"
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

const std::string CONFIG = std::string(LOOKOUT_SOURCE_DIR) + "/docs/examples/aggregator.toml";

CommandResult aggregator(std::vector<std::string> args) {
  args.insert(args.begin(), bin("lookout-aggregator"));
  return run_command(args);
}

}  // namespace

TEST_SUITE("aggregator.main") {
  TEST_CASE("lookout-aggregator --help and -h print the usage on stdout with exit 0") {
    for (const char* help : {"--help", "-h"}) {
      const auto r = aggregator({help});
      CHECK(r.status == 0);
      CHECK(r.err.empty());
      CHECK(r.out.starts_with("usage: lookout-aggregator --config AGGREGATOR.toml\n"));
      for (const char* option : {"--config", "--check", "--version"}) {
        CHECK_MESSAGE(r.out.find(std::string("\n  ") + option) != std::string::npos, option);
      }
    }
  }

  TEST_CASE("lookout-aggregator --version prints the project's version") {
    const auto r = aggregator({"--version"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "lookout-aggregator " + std::string(lookout::command_line::version()) + "\n");
  }

  TEST_CASE("lookout-aggregator --check takes FILE or =FILE") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"--check", CONFIG}, {"--check=" + CONFIG}}) {
      const auto r = aggregator(args);
      CHECK_MESSAGE(r.status == 0, r.err);
      CHECK(r.out == CONFIG + ": ok\n");
    }
  }

  TEST_CASE("lookout-aggregator refuses a bad command line with exit 2 naming what is wrong") {
    struct Case {
      std::vector<std::string> args;
      std::string first_line;
    };
    for (const auto& c : std::vector<Case>{
             {{}, "lookout-aggregator: say which configuration: --config or --check AGGREGATOR.toml"},
             {{"--bogus"}, "lookout-aggregator: unknown option \"--bogus\""},
             {{"--check"}, "lookout-aggregator: --check: 1 required AGGREGATOR.toml missing"},
             {{"--config", CONFIG, "--check", CONFIG}, "lookout-aggregator: --config excludes --check"},
         }) {
      const auto r = aggregator(c.args);
      CAPTURE(c.first_line);
      CHECK(r.status == 2);
      CHECK(r.out.empty());
      CHECK(r.err.substr(0, r.err.find('\n')) == c.first_line);
      CHECK(r.err.find("\nusage: lookout-aggregator ") != std::string::npos);
    }
  }
}
