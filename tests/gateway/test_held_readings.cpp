#include <doctest/doctest.h>

#include "gateway/held_readings.hpp"

using namespace lookout::gateway;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;
using lookout::wire::Reading;

namespace {

/// `n` readings of ch4-1.ch4 with ts first, first + 1, ...
std::vector<Reading> readings(std::size_t n, std::int64_t first) {
  std::vector<Reading> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(
        {"ch4-1.ch4", "methane", 0.5, "%CH4", first + static_cast<std::int64_t>(i), Quality::good, DeviceStatus::ok});
  }
  return out;
}

KeptState kept(const std::string& device, double epoch) {
  KeptState k{device, "XJ-GN1", {}};
  k.state.set("last_epoch", epoch);
  return k;
}

}  // namespace

TEST_SUITE("gateway.held_readings") {
  TEST_CASE("flushes come out oldest first - merged up to the size asked - and stay until taken") {
    HeldReadings held(1000);
    // GIVEN three flushes of 4, 3 and 5 readings
    held.hold(readings(4, 100), 10);
    held.hold(readings(3, 200), 20);
    held.hold(readings(5, 300), 30);
    CHECK(held.readings() == 12);
    // WHEN a batch of at most 8 is asked for THEN the first two flushes, at the first's time
    auto b = held.next(8);
    REQUIRE(b.readings.size() == 7);
    CHECK(b.created_ms == 10);
    CHECK(b.readings.front().ts_ms == 100);
    CHECK(b.readings.back().ts_ms == 202);
    CHECK(held.next(8).readings.size() == 7);  // asking again gives the same: nothing taken yet
    held.taken(b);
    CHECK(held.readings() == 5);
    // AND a flush larger than the size asked goes whole, never split
    b = held.next(2);
    CHECK(b.readings.size() == 5);
    CHECK(b.created_ms == 30);
    held.taken(b);
    CHECK(held.empty());
    CHECK(held.next(8).readings.empty());
    CHECK(held.dropped() == 0);
  }

  TEST_CASE("beyond the bound the oldest readings go first - each one counted") {
    HeldReadings held(100);
    // GIVEN 40 + 40 held WHEN 40 more come THEN the oldest 20 go: the first flush keeps its last 20
    held.hold(readings(40, 1000), 1);
    held.hold(readings(40, 2000), 2);
    held.hold(readings(40, 3000), 3);
    CHECK(held.readings() == 100);
    CHECK(held.dropped() == 20);
    auto b = held.next(1000);
    REQUIRE(b.readings.size() == 100);
    CHECK(b.readings.front().ts_ms == 1020);
    CHECK(b.readings[20].ts_ms == 2000);
    CHECK(b.readings.back().ts_ms == 3039);
    // WHEN one flush alone is over the bound THEN only its newest stay, and the older flushes go
    held.hold(readings(150, 5000), 5);
    CHECK(held.readings() == 100);
    CHECK(held.dropped() == 20 + 100 + 50);
    b = held.next(1000);
    REQUIRE(b.readings.size() == 100);
    CHECK(b.readings.front().ts_ms == 5050);
    CHECK(b.created_ms == 5);
  }

  TEST_CASE("what devices keep goes with the last held readings only - or alone") {
    HeldReadings held(1000);
    held.hold(readings(3, 100), 10, {kept("gn-1", 1.0)});
    held.hold(readings(3, 200), 20, {kept("gn-1", 2.0), kept("gn-2", 7.0)});
    // a batch that leaves readings behind carries none of it: it must not reach the disk first
    auto b = held.next(3);
    CHECK(b.kept.empty());
    held.taken(b);
    b = held.next(3);
    REQUIRE(b.kept.size() == 2);
    CHECK(b.kept[0].device == "gn-1");
    CHECK(*b.kept[0].state.get("last_epoch") == 2.0);  // the latest per device
    held.taken(b);
    CHECK(held.empty());
    // kept states without readings are held too, and come alone
    held.hold({}, 30, {kept("gn-1", 3.0)});
    CHECK_FALSE(held.empty());
    CHECK(held.readings() == 0);
    b = held.next(3);
    CHECK(b.readings.empty());
    CHECK(b.kept.size() == 1);
    held.taken(b);
    CHECK(held.empty());
  }
}
