// Tests for firmware/command_line.cpp: one way for every program to answer --help and
// --version and to refuse a command line (exit 2, what is wrong, the usage).
#include <doctest/doctest.h>

#include <sstream>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"

using namespace lookout::command_line;

namespace {

struct Outcome {
  std::optional<int> status;
  std::string out;
  std::string err;
};

/// `prog` with an option --n, and a command `run` with `go` below it that does what `action` says.
struct Program {
  CLI::App app{"A program for tests.", "prog"};
  std::string n;
  std::string file;
  std::function<int()> action = [] { return 7; };
  Program() {
    set_usage(app, "usage: prog [--n N] COMMAND\n");
    app.add_option("--n", n, "a number");
    app.require_subcommand(1);
    auto* run = app.add_subcommand("run", "run something");
    run->require_subcommand(1);
    auto* go = run->add_subcommand("go", "go somewhere");
    set_usage(*go, "usage: prog run go FILE\n");
    go->add_option("FILE", file, "where")->required();
    set_action(*go, [this] { return action(); });
  }
  Outcome parse(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Outcome o;
    o.status = lookout::command_line::parse(app, args, out, err);
    o.out = out.str();
    o.err = err.str();
    return o;
  }
};

}  // namespace

TEST_SUITE("command_line") {
  TEST_CASE("help on stdout with exit 0 for the program and each command") {
    for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"run", "go", "--help"}, {"run", "--help"}}) {
      Program p;
      const auto o = p.parse(args);
      CAPTURE(args.size());
      CHECK(o.status == 0);
      CHECK(o.err.empty());
      CHECK(o.out.starts_with("usage: prog"));
    }
    // each command's own usage lines, its options, its commands
    Program p;
    auto o = p.parse({"--help"});
    CHECK(o.out.starts_with("usage: prog [--n N] COMMAND\n\nA program for tests.\n"));
    CHECK(o.out.find("--n") != std::string::npos);
    CHECK(o.out.find("run") != std::string::npos);
    Program q;
    o = q.parse({"run", "go", "--help"});
    CHECK(o.out.starts_with("usage: prog run go FILE\n\ngo somewhere\n"));
    CHECK(o.out.find("FILE") != std::string::npos);
    // a command with no usage written out gets CLI11's, not its parent's
    Program r;
    o = r.parse({"run", "--help"});
    CHECK(o.out.starts_with("usage: prog run [OPTIONS] SUBCOMMAND\n"));
    // help before anything else: the required FILE is not asked for, the action not run
    Program s;
    s.action = [] {
      FAIL("ran");
      return 0;
    };
    CHECK(s.parse({"run", "go", "--help"}).status == 0);
  }

  TEST_CASE("--version names the program with the project's version for every command") {
    CHECK(version() == "0.1.0");
    for (const auto& args : std::vector<std::vector<std::string>>{{"--version"}, {"run", "--version"}, {"run", "go", "--version"}}) {
      Program p;
      const auto o = p.parse(args);
      CHECK(o.status == 0);
      CHECK(o.out == "prog 0.1.0\n");
      CHECK(o.err.empty());
    }
  }

  TEST_CASE("a refused line exits 2 naming what is wrong then the usage of the command it reached") {
    struct Case {
      std::vector<std::string> args;
      std::string err;
    };
    for (const auto& c : std::vector<Case>{
             {{"--bogus"}, "prog: unknown option \"--bogus\"\nusage: prog [--n N] COMMAND\n(prog --help says more)\n"},
             {{"frob", "x"}, "prog: unknown command \"frob\"\nusage: prog [--n N] COMMAND\n(prog --help says more)\n"},
             {{"--n"}, "prog: --n: 1 required TEXT missing\nusage: prog [--n N] COMMAND\n(prog --help says more)\n"},
             {{"run"}, "prog run: which command? one of go\nusage: prog run [OPTIONS] SUBCOMMAND\n(prog run --help says more)\n"},
             {{"run", "go"}, "prog run go: FILE is required\nusage: prog run go FILE\n(prog run go --help says more)\n"},
             // an unknown option is named before a missing one
             {{"run", "go", "--bogus"},
              "prog run go: unknown option \"--bogus\"\nusage: prog run go FILE\n(prog run go --help says more)\n"},
             {{"run", "go", "a", "b"},
              "prog run go: The following argument was not expected: b\nusage: prog run go FILE\n(prog run go --help says more)\n"},
         }) {
      Program p;
      p.action = [] {
        FAIL("ran");
        return 0;
      };
      const auto o = p.parse(c.args);
      CAPTURE(c.err);
      CHECK(o.status == EXIT_USAGE);
      CHECK(o.out.empty());
      CHECK(o.err == c.err);
    }
    Program p;
    CHECK(p.parse({}).err.starts_with("prog: which command? one of run\n"));
  }

  TEST_CASE("an action's status is the program's and its UsageError is refused like CLI11's errors") {
    Program p;
    auto o = p.parse({"run", "go", "f.toml"});
    CHECK(o.status == 7);
    CHECK(p.file == "f.toml");
    CHECK(o.out.empty());
    CHECK(o.err.empty());
    Program q;
    q.action = [] { return 0; };
    CHECK(q.parse({"run", "go", "f.toml"}).status == 0);
    Program r;
    r.action = []() -> int { throw UsageError("FILE \"x\": not a site file"); };
    o = r.parse({"run", "go", "x"});
    CHECK(o.status == EXIT_USAGE);
    CHECK(o.err == "prog run go: FILE \"x\": not a site file\nusage: prog run go FILE\n(prog run go --help says more)\n");
    // a good line with no action goes on
    CLI::App bare("No commands.", "bare");
    std::string n;
    bare.add_option("--n", n);
    std::ostringstream out, err;
    CHECK(parse(bare, {"--n", "3"}, out, err) == std::nullopt);
    CHECK(n == "3");
    CHECK(out.str().empty());
    CHECK(err.str().empty());
  }
}
