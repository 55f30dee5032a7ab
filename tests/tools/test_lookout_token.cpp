// lookout token create|list|revoke against a real database file (tools/lookout/token.cpp).
#include <doctest/doctest.h>

#include "aggregator/auth.hpp"
#include "aggregator/sqlite_store.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

struct Run {
  int status = -1;
  std::vector<std::string> out;
  std::string err;
};

/// Runs `lookout ARGS...` to its end; `lines` is how many stdout lines to wait for.
Run lookout_cli(const TempDir& dir, std::vector<std::string> args, std::size_t lines = 0) {
  args.insert(args.begin(), bin("lookout"));
  static int runs = 0;  // a log per run: the file is appended to
  Process p(args, dir / ("cli-" + std::to_string(++runs) + ".log"));
  eventually([&] { return !p.running(); }, HUNG_RUN);  // let it finish, not SIGTERM it
  Run r;
  r.status = p.stop();
  eventually([&] { return p.lines().size() >= lines; }, HUNG_RUN);  // the reader may lag the exit
  r.out = p.lines();
  r.err = p.stderr_text();
  return r;
}

}  // namespace

TEST_SUITE("tools.lookout_token") {
  TEST_CASE("create prints the token once - only its hash is stored - list and revoke") {
    TempDir dir;
    const auto db = (dir / "lookout.db").string();
    const auto token = create_token(dir / "lookout.db", "regulator", "zhuzhou-eb", {"--division", "4302"});
    CHECK(token.starts_with("lk_"));
    {
      // the database knows it by its hash and nowhere holds the token itself
      lookout::aggregator::SqliteStore store(dir / "lookout.db");
      const auto t = store.token_by_hash(lookout::aggregator::sha256_hex(token));
      REQUIRE(t);
      CHECK(t->role == "regulator");
      CHECK(t->division == "4302");
      CHECK(t->name == "zhuzhou-eb");
    }
    auto r = lookout_cli(dir, {"token", "list", "--db", db}, 2);
    CHECK(r.status == 0);
    REQUIRE(r.out.size() == 2);
    CHECK(r.out[1].find("zhuzhou-eb") != std::string::npos);
    CHECK(r.out[1].find("valid") != std::string::npos);
    for (const auto& line : r.out) CHECK(line.find(token) == std::string::npos);

    r = lookout_cli(dir, {"token", "revoke", "1", "--db", db});
    CHECK(r.status == 0);
    r = lookout_cli(dir, {"token", "revoke", "1", "--db", db});
    CHECK(r.status == 1);  // already revoked
    r = lookout_cli(dir, {"token", "list", "--db", db}, 2);
    REQUIRE(r.out.size() == 2);
    CHECK(r.out[1].find("revoked") != std::string::npos);
    lookout::aggregator::SqliteStore store(dir / "lookout.db");
    CHECK(!store.token_by_hash(lookout::aggregator::sha256_hex(token)));
  }

  TEST_CASE("wrong roles and scopes are refused with exit status 2 and a reason") {
    TempDir dir;
    const auto db = (dir / "lookout.db").string();
    auto r = lookout_cli(dir, {"token", "create", "--role", "root", "--name", "x", "--db", db});
    CHECK(r.status == 2);
    r = lookout_cli(dir, {"token", "create", "--role", "regulator", "--name", "x", "--db", db});
    CHECK(r.status == 2);
    CHECK(r.err.find("needs --division") != std::string::npos);
    r = lookout_cli(dir, {"token", "create", "--role", "officer", "--division", "4302", "--name", "x", "--db", db});
    CHECK(r.status == 2);
    r = lookout_cli(dir, {"token", "create", "--role", "engineer", "--name", "x"});
    CHECK(r.status == 2);
    CHECK(r.err.find("--db is required") != std::string::npos);
    r = lookout_cli(dir, {"token", "revoke", "abc", "--db", db});
    CHECK(r.status == 2);
    // nothing was created by any of that
    r = lookout_cli(dir, {"token", "list", "--db", db}, 1);
    CHECK(r.out.size() == 1);
  }
}
