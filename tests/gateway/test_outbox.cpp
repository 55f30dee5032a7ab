#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "firmware/wire/messages.hpp"
#include "gateway/outbox.hpp"
#include "tests/support/process.hpp"
#include "tests/support/small_disk.hpp"

using namespace lookout::gateway;
using lookout::test::SmallDisk;
using lookout::test::TempDir;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;
using lookout::wire::Reading;

namespace {

std::vector<Reading> readings(std::size_t n, double value = 0.5) {
  std::vector<Reading> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back({"ch4-1.ch4", "methane", value, "%CH4", 1764100000000 + static_cast<std::int64_t>(i), Quality::good,
                   DeviceStatus::ok});
  }
  return out;
}

}  // namespace

TEST_SUITE("gateway.outbox") {
  TEST_CASE("batches come out in order until acknowledged") {
    TempDir dir;
    Outbox box(dir.path(), 1000);
    CHECK(box.boot() == 1);
    CHECK(box.append(readings(2), 10) == 1);
    CHECK(box.append(readings(3), 20) == 2);
    CHECK(box.append(readings(1), 30) == 3);
    auto p = box.pending(0, 10);
    REQUIRE(p.size() == 3);
    CHECK(p[0].seq == 1);
    CHECK(p[1].readings == 3);
    CHECK(p[2].created_ms == 30);
    CHECK(box.pending(1, 1).at(0).seq == 2);
    box.acknowledge(2);
    CHECK(box.depth_batches() == 1);
    CHECK(box.depth_readings() == 1);
    CHECK(box.pending(0, 10).at(0).seq == 3);
  }

  TEST_CASE("a stored batch is exactly the wire readings array") {
    TempDir dir;
    Outbox box(dir.path(), 1000);
    box.append(readings(2, 1.25), 10);
    const auto b = box.pending(0, 1).at(0);
    const auto msg = lookout::wire::encode_readings_batch("gw-1", b.seq, b.boot, true, b.readings_json);
    const auto d = lookout::wire::decode_readings(msg);
    REQUIRE(std::holds_alternative<lookout::wire::ReadingsBatch>(d));
    const auto& batch = std::get<lookout::wire::ReadingsBatch>(d);
    CHECK(batch.seq == 1);
    CHECK(batch.backfill);
    CHECK(batch.readings.size() == 2);
    CHECK(*batch.readings[1].value == 1.25);
  }

  TEST_CASE("the sequence never goes back across restarts and the boot count rises") {
    TempDir dir;
    {
      Outbox box(dir.path(), 1000);
      box.append(readings(1), 1);
      box.append(readings(1), 2);
      box.acknowledge(2);  // everything sent: the table is empty
    }
    Outbox box(dir.path(), 1000);
    CHECK(box.boot() == 2);
    CHECK(box.depth_batches() == 0);
    CHECK(box.append(readings(1), 3) == 3);
  }

  TEST_CASE("unsent batches survive a restart") {
    TempDir dir;
    {
      Outbox box(dir.path(), 1000);
      box.append(readings(4), 1);
    }
    Outbox box(dir.path(), 1000);
    CHECK(box.depth_batches() == 1);
    CHECK(box.depth_readings() == 4);
    CHECK(box.pending(0, 10).at(0).boot == 1);
  }

  TEST_CASE("what devices keep is written with its batch and read back after a restart") {
    TempDir dir;
    {
      Outbox box(dir.path(), 1000);
      CHECK(box.kept_states().empty());
      // GIVEN an XJ-GN1's epoch kept with the batch of its solution
      lookout::firmware::DeviceState gn;
      gn.set("epoch", 1764100800);
      box.append(readings(4), 10, {{"gn-1", "XJ-GN1", gn}});
      // AND a later epoch, kept alone
      gn.set("epoch", 1764104400);
      box.keep({{"gn-1", "XJ-GN1", gn}});
    }
    // WHEN the gateway starts again THEN the last kept state is there, with its model
    Outbox box(dir.path(), 1000);
    const auto kept = box.kept_states();
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].device == "gn-1");
    CHECK(kept[0].model == "XJ-GN1");
    CHECK(*kept[0].state.get("epoch") == 1764104400);
    CHECK(kept[0].state.all().size() == 1);
    // AND an empty state forgets the device
    box.keep({{"gn-1", "XJ-GN1", {}}});
    CHECK(box.kept_states().empty());
  }

  TEST_CASE("when full the oldest readings go first and are counted") {
    TempDir dir;
    Outbox box(dir.path(), 100);
    for (int i = 0; i < 30; ++i) box.append(readings(10), i);
    CHECK(box.depth_readings() <= 100);
    CHECK(box.dropped_readings() == 200);
    CHECK(box.pending(0, 1).at(0).seq == 21);
    CHECK(box.last_seq() == 30);
    Outbox again(dir.path() , 100);  // the count is kept
    CHECK(again.dropped_readings() == 200);
  }

  TEST_CASE("on a full disk an append throws disk_full and changes nothing - the next after space frees gets the next seq") {
    TempDir dir;
    SmallDisk disk(dir / "disk", 4 << 20);
    Outbox box(disk.path(), 1000);
    REQUIRE(box.append(readings(2), 1) == 1);
    // GIVEN a disk with no room left for the outbox's write-ahead log to grow
    disk.fill();
    // WHEN a batch comes THEN the outbox says the disk is full, and counts nothing
    bool full = false;
    try {
      box.append(readings(3), 2);
    } catch (const OutboxError& e) {
      full = e.disk_full();
    }
    CHECK(full);
    CHECK(box.last_seq() == 1);
    CHECK(box.depth_batches() == 1);
    CHECK(box.depth_readings() == 2);
    CHECK(box.pending(0, 10).size() == 1);
    // WHEN room comes back THEN the next batch takes the next number: none skipped, none reused
    disk.free();
    CHECK(box.append(readings(3), 3) == 2);
    CHECK(box.depth_readings() == 5);
  }

  TEST_CASE("an outbox its disk cannot open at start does not stop the start - the first write that can opens it") {
    TempDir dir;
    SmallDisk disk(dir / "disk", 4 << 20);
    { Outbox box(disk.path(), 1000); box.append(readings(2), 1); }  // boot 1, seq 1; closed cleanly
    disk.fill();
    // WHEN the gateway starts on the full disk THEN the outbox says why it is closed, and has nothing
    Outbox box(disk.path(), 1000);
    CHECK_FALSE(box.open_error().empty());
    CHECK(box.boot() == 0);
    CHECK(box.pending(0, 10).empty());
    CHECK(box.kept_states().empty());
    box.acknowledge(5);  // nothing to acknowledge: no harm
    bool full = false;
    try {
      box.append(readings(1), 2);
    } catch (const OutboxError& e) {
      full = e.disk_full();
      MESSAGE("on a full disk: " << std::string(e.what()) << " (SQLite " << e.sqlite_code() << ", errno " << e.sys_errno() << ")");
    }
    CHECK(full);
    // WHEN room comes back THEN the next write opens it: this boot counted, the sequence goes on
    disk.free();
    CHECK(box.append(readings(1), 3) == 2);
    CHECK(box.open_error().empty());
    CHECK(box.boot() == 2);
    CHECK(box.pending(0, 10).size() == 2);
  }

  TEST_CASE("an acknowledgement a full disk cannot delete is forgotten at once - and deleted with the next write") {
    TempDir dir;
    SmallDisk disk(dir / "disk", 4 << 20);
    {
      Outbox box(disk.path(), 1000);
      for (int i = 0; i < 3; ++i) box.append(readings(2), i);
      disk.fill();
      // WHEN batches 1 and 2 are acknowledged on the full disk THEN it returns, and they are gone
      // from what is sent and counted
      box.acknowledge(2);
      CHECK(box.depth_batches() == 1);
      CHECK(box.depth_readings() == 2);
      REQUIRE(box.pending(0, 10).size() == 1);
      CHECK(box.pending(0, 10).at(0).seq == 3);
      // AND once a write succeeds they are deleted for good
      disk.free();
      CHECK(box.append(readings(1), 9) == 4);
    }
    Outbox again(disk.path(), 1000);
    CHECK(again.depth_batches() == 2);
    CHECK(again.pending(0, 10).at(0).seq == 3);
  }

  TEST_CASE("an outbox keeps its epoch across restarts - a new file gets another") {
    TempDir dir;
    std::uint64_t first = 0;
    {
      Outbox box(dir.path(), 1000);
      first = box.epoch();
      CHECK(first >= 1);
      CHECK(first <= lookout::wire::MAX_EPOCH);
    }
    CHECK(Outbox(dir.path(), 1000).epoch() == first);
    TempDir wiped;
    CHECK(Outbox(wiped.path(), 1000).epoch() != first);
  }

  TEST_CASE("renumbering moves every unacknowledged batch after the aggregator's number - in order - once") {
    TempDir dir;
    {
      Outbox box(dir.path(), 1000);
      for (int i = 1; i <= 5; ++i) box.append(readings(static_cast<std::size_t>(i)), 10 * i);
      box.acknowledge(2);
      CHECK(box.renumber_after(5000) == 4998);  // 3 becomes 5001
      const auto p = box.pending(0, 10);
      REQUIRE(p.size() == 3);
      CHECK(p[0].seq == 5001);
      CHECK(p[0].readings == 3);
      CHECK(p[2].seq == 5003);
      CHECK(p[2].created_ms == 50);
      CHECK(box.oldest_seq() == 5001);
      CHECK(box.last_seq() == 5003);
      CHECK(box.depth_batches() == 3);
      CHECK(box.renumber_after(5000) == 0);  // a second answer of the same kind: done already
      CHECK(box.append(readings(1), 60) == 5004);
    }
    Outbox again(dir.path(), 1000);  // on disk as it was
    CHECK(again.oldest_seq() == 5001);
    CHECK(again.last_seq() == 5004);
    CHECK(again.append(readings(1), 70) == 5005);
  }

  TEST_CASE("renumbering an outbox with nothing unacknowledged makes the next batch the next number") {
    TempDir dir;
    Outbox box(dir.path(), 1000);
    box.append(readings(1), 10);
    box.acknowledge(1);
    CHECK(box.renumber_after(40) == 39);
    CHECK(box.append(readings(1), 20) == 41);
  }
}
