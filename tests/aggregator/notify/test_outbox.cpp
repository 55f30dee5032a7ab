#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "aggregator/notify/outbox.hpp"
#include "aggregator/sqlite_store.hpp"
#include "tests/support/process.hpp"

using namespace lookout::aggregator;
using namespace lookout::aggregator::notify;
using lookout::test::TempDir;

TEST_SUITE("aggregator.notify.outbox") {
  TEST_CASE("rows outlive the connection - in order - until removed") {
    TempDir dir;
    const auto db = dir / "lookout.db";
    { SqliteStore store(db); }  // made and migrated by the store (migration 5)
    std::int64_t first = 0;
    {
      Outbox box(db);
      first = box.add({0, "webhook http://127.0.0.1:9/hook", "n-1", R"({"id":"n-1"})", {}, 1000});
      box.add({0, "command_hook /bin/true", "n-1", "text\n", {{"LOOKOUT_ID", "n-1"}, {"LOOKOUT_LEVEL", "red"}}, 1001});
      box.add({0, "webhook http://127.0.0.1:9/hook", "n-2", R"({"id":"n-2"})", {}, 1002});
      CHECK(first != 0);
    }
    Outbox box(db);
    auto rows = box.pending();
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].row == first);
    CHECK(rows[0].notice_id == "n-1");
    CHECK(rows[0].payload == R"({"id":"n-1"})");
    CHECK(rows[0].env.empty());
    CHECK(rows[1].channel == "command_hook /bin/true");
    CHECK(rows[1].env.at("LOOKOUT_LEVEL") == "red");
    CHECK(rows[1].created_ms == 1001);
    CHECK(rows[2].notice_id == "n-2");
    box.remove(rows[0].row);
    rows = box.pending();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].notice_id == "n-1");
    CHECK(rows[0].channel == "command_hook /bin/true");
  }

  TEST_CASE("a database without the table is refused - naming the file") {
    TempDir dir;
    lookout::test::write_file(dir / "empty.db", "");
    try {
      Outbox box(dir / "empty.db");
      FAIL("no error");
    } catch (const std::runtime_error& e) {
      CHECK_MESSAGE(std::string(e.what()).find((dir / "empty.db").string() +
                                               ": notification outbox: prepare: no such table") != std::string::npos,
                    e.what());
    }
  }
}
