#include <doctest/doctest.h>

#include <map>

#include "firmware/device_poller.hpp"

using namespace lookout::firmware;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;

namespace {

class FakeClock final : public Clock {
 public:
  std::int64_t utc_ms() const override { return 1764100000000; }
  std::int64_t monotonic_ms() const override { return 0; }
};

/// A bus in memory: per unit, input registers; or no answer at all.
class FakeBus final : public ModbusBus {
 public:
  std::map<int, std::vector<std::uint16_t>> input;
  BusError fail = BusError::none;
  int requests = 0;

  BusResult read_registers(int unit, RegisterKind kind, std::uint16_t start, std::uint16_t count,
                           std::vector<std::uint16_t>& out) override {
    ++requests;
    if (fail != BusError::none) return {fail, "simulated"};
    const auto it = input.find(unit);
    if (kind != RegisterKind::input || it == input.end()) return {BusError::timeout, "no such unit"};
    out.assign(it->second.begin() + start, it->second.begin() + start + count);
    return {};
  }
};

}  // namespace

TEST_SUITE("device_poller") {
  TEST_CASE("a good poll gives point ids device.channel and the measurement time") {
    // GIVEN an XJ-CH4 at unit 3 reading 0.40 %CH4
    FakeBus bus;
    bus.input[3] = {40, 0, 210};
    DevicePoller p({"ch4-1", 3, find_profile("XJ-CH4"), 2000, 8});
    // WHEN it is polled
    const auto r = p.poll(bus, FakeClock{});
    // THEN one request read everything and both channels are good
    CHECK(bus.requests == 1);
    REQUIRE(r.size() == 2);
    CHECK(r[0].point == "ch4-1.ch4");
    CHECK(r[0].ts_ms == 1764100000000);
    CHECK(*r[0].value == doctest::Approx(0.40));
    CHECK(r[1].point == "ch4-1.temperature");
    CHECK(p.online());
  }

  TEST_CASE("a device that does not answer gives bad readings with status offline - counted") {
    FakeBus bus;
    bus.fail = BusError::timeout;
    DevicePoller p({"ch4-1", 1, find_profile("XJ-CH4"), 2000, 8});
    const auto r = p.poll(bus, FakeClock{});
    REQUIRE(r.size() == 2);
    for (const auto& x : r) {
      CHECK(x.quality == Quality::bad);
      CHECK(x.status == DeviceStatus::offline);
      CHECK(!x.value);
    }
    CHECK(r[0].quantity == "methane");
    CHECK(p.counters().timeouts == 1);
    CHECK(p.counters().errors == 1);
    CHECK(!p.online());
    bus.fail = BusError::bad_frame;
    p.poll(bus, FakeClock{});
    CHECK(p.counters().bad_frames == 1);
    CHECK(p.counters().consecutive_failures == 2);
  }

  TEST_CASE("an offline XJ-GD100 keeps the gas it last reported") {
    class GdBus final : public ModbusBus {
     public:
      bool dead = false;
      BusResult read_registers(int, RegisterKind, std::uint16_t, std::uint16_t count,
                               std::vector<std::uint16_t>& out) override {
        if (dead) return {BusError::timeout, "dead"};
        out.assign(count, 0);
        out[0] = 2;  // monitoring
        out[1] = 3;  // CO
        out[4] = 1;  // ppm
        return {};
      }
    } bus;
    DevicePoller p({"gd-1", 1, find_profile("XJ-GD100"), 2000, 8});
    CHECK(p.poll(bus, FakeClock{})[0].quantity == "co");
    bus.dead = true;
    const auto r = p.poll(bus, FakeClock{});
    CHECK(r[0].quantity == "co");
    CHECK(r[0].unit == "ppm");
    CHECK(r[0].status == DeviceStatus::offline);
  }
}
