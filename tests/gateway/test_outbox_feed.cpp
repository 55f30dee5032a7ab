#include <doctest/doctest.h>
#include <sqlite3.h>

#include "gateway/outbox.hpp"
#include "gateway/outbox_feed.hpp"

using namespace lookout::gateway;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;
using lookout::wire::Reading;

namespace {

std::vector<Reading> readings(std::size_t n, std::int64_t first) {
  std::vector<Reading> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(
        {"ch4-1.ch4", "methane", 0.5, "%CH4", first + static_cast<std::int64_t>(i), Quality::good, DeviceStatus::ok});
  }
  return out;
}

/// An outbox that takes batches while `full` is false, and says SQLITE_FULL otherwise.
struct FakeOutbox {
  bool full = false;
  struct Batch {
    std::int64_t created_ms;
    std::vector<Reading> readings;
    std::vector<KeptState> kept;
  };
  std::vector<Batch> batches;
  std::vector<std::vector<KeptState>> kept_alone;
  int tries = 0;

  OutboxFeed feed(std::size_t held_max) {
    return OutboxFeed(
        [this](const std::vector<Reading>& r, std::int64_t created_ms, const std::vector<KeptState>& k) {
          ++tries;
          if (full) throw OutboxError("outbox.sqlite: database or disk is full", SQLITE_FULL, 0);
          batches.push_back({created_ms, r, k});
        },
        [this](const std::vector<KeptState>& k) {
          ++tries;
          if (full) throw OutboxError("outbox.sqlite: disk I/O error", SQLITE_IOERR_WRITE, 5);
          kept_alone.push_back(k);
        },
        held_max);
  }
  /// Every reading stored, in order, as their ts.
  std::vector<std::int64_t> stored() const {
    std::vector<std::int64_t> out;
    for (const auto& b : batches) {
      for (const auto& r : b.readings) out.push_back(r.ts_ms);
    }
    return out;
  }
};

}  // namespace

TEST_SUITE("gateway.outbox_feed") {
  TEST_CASE("a flush is one batch at its time - with what devices keep") {
    FakeOutbox box;
    auto feed = box.feed(1000);
    KeptState k{"gn-1", "XJ-GN1", {}};
    k.state.set("last_epoch", 5);
    feed.put(readings(3, 100), {k}, 1000);
    feed.put({}, {}, 1100);  // nothing polled: nothing written
    feed.put(readings(2, 200), {}, 1200);
    REQUIRE(box.batches.size() == 2);
    CHECK(box.batches[0].created_ms == 1000);
    CHECK(box.batches[0].kept.size() == 1);
    CHECK(box.batches[1].readings.size() == 2);
    CHECK(box.tries == 2);
    CHECK(feed.status().fault == "none");
    CHECK(feed.status().held == 0);
  }

  TEST_CASE("a full outbox is a fault - readings held in order - all in when it takes them again") {
    FakeOutbox box;
    auto feed = box.feed(1000);
    feed.put(readings(2, 100), {}, 1000);
    // WHEN the outbox cannot take the next flushes THEN put() returns, holding them, and says why
    box.full = true;
    feed.put(readings(2, 200), {}, 2000);
    feed.put(readings(2, 300), {}, 2100);
    auto s = feed.status();
    CHECK(s.fault == "disk_full");
    CHECK(s.error == "outbox.sqlite: database or disk is full");
    CHECK(s.since_ms == 2000);
    CHECK(s.held == 4);
    CHECK(s.held_max == 1000);
    CHECK(s.dropped == 0);
    CHECK(box.batches.size() == 1);
    // WHEN it takes them again THEN every held reading goes in before the new ones, merged
    // into one batch at the time of the oldest, and the fault is over
    box.full = false;
    feed.put(readings(2, 400), {}, 3000);
    REQUIRE(box.batches.size() == 2);
    CHECK(box.batches[1].created_ms == 2000);
    CHECK(box.stored() == std::vector<std::int64_t>{100, 101, 200, 201, 300, 301, 400, 401});
    s = feed.status();
    CHECK(s.fault == "none");
    CHECK(s.error.empty());
    CHECK(s.since_ms == 0);
    CHECK(s.held == 0);
  }

  TEST_CASE("over the bound the oldest held readings are dropped - counted exactly - the rest arrive in order") {
    FakeOutbox box;
    auto feed = box.feed(100);
    box.full = true;
    // GIVEN 7 flushes of 30 while the outbox is full: 210 readings, 100 kept, 110 dropped
    for (int i = 0; i < 7; ++i) feed.put(readings(30, 1000 * (i + 1)), {}, 10000 + i);
    CHECK(feed.status().held == 100);
    CHECK(feed.status().dropped == 110);
    box.full = false;
    feed.put({}, {}, 20000);
    const auto got = box.stored();
    REQUIRE(got.size() == 100);
    CHECK(got.front() == 4000 + 20);  // the fourth flush lost its first 20
    CHECK(got.back() == 7000 + 29);
    CHECK(std::is_sorted(got.begin(), got.end()));
    CHECK(feed.status().dropped == 110);  // the count stays: since the gateway started
    CHECK(feed.status().fault == "none");
  }

  TEST_CASE("a long hold drains a bounded number of batches a flush - each within the merge size") {
    FakeOutbox box;
    auto feed = box.feed(100000);
    box.full = true;
    for (int i = 0; i < 100; ++i) feed.put(readings(300, 1000 * (i + 1)), {}, i);  // 30 000 readings
    box.full = false;
    box.tries = 0;
    feed.put({}, {}, 200);
    // 3 flushes of 300 make a batch (900 <= 1000): 8 batches in this flush, the rest later
    CHECK(box.tries == OutboxFeed::MAX_APPENDS_PER_PUT);
    CHECK(box.batches.size() == 8);
    for (const auto& b : box.batches) CHECK(b.readings.size() <= OutboxFeed::MAX_MERGED_READINGS);
    CHECK(feed.status().fault == "disk_full");  // not over while readings are held
    CHECK(feed.held() == 30000 - 8 * 900);
    for (int i = 0; i < 10 && feed.held() > 0; ++i) feed.put({}, {}, 300 + i);
    CHECK(feed.held() == 0);
    CHECK(box.stored().size() == 30000);
    CHECK(feed.status().fault == "none");
  }

  TEST_CASE("any other write error is a fault too - what devices keep waits with the readings") {
    FakeOutbox box;
    auto feed = box.feed(1000);
    box.full = true;
    KeptState k{"gn-1", "XJ-GN1", {}};
    k.state.set("last_epoch", 9);
    feed.put({}, {k}, 5000);  // only a kept state: Outbox::keep, an I/O error
    CHECK(feed.status().fault == "write_failed");
    CHECK(feed.status().error == "outbox.sqlite: disk I/O error");
    box.full = false;
    feed.put({}, {}, 6000);
    REQUIRE(box.kept_alone.size() == 1);
    CHECK(box.kept_alone[0][0].device == "gn-1");
    CHECK(feed.status().fault == "none");
  }
}
