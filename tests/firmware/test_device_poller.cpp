#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <stdexcept>

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

/// An XJ-GN1 with a fixed solution 3 mm north, 4 mm east, at `epoch`.
class GnssBus final : public ModbusBus {
 public:
  std::uint32_t epoch = 1764100800;
  BusResult read_registers(int, RegisterKind kind, std::uint16_t, std::uint16_t count,
                           std::vector<std::uint16_t>& out) override {
    out.assign(count, 0);
    if (kind == RegisterKind::input) {
      encode_f32(3.0f, WordOrder::abcd, &out[0]);
      encode_f32(4.0f, WordOrder::abcd, &out[2]);
      out[6] = 4;  // fixed
      encode_u32(epoch, WordOrder::abcd, &out[8]);
    }
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

  TEST_CASE("options reach the profile: an XJ-RL80 level from its face elevation") {
    // GIVEN an XJ-RL80 with its face at 58.200 m reading 2350 mm of air gap
    class RadarBus final : public ModbusBus {
     public:
      int largest = 0;
      BusResult read_registers(int, RegisterKind kind, std::uint16_t, std::uint16_t count,
                               std::vector<std::uint16_t>& out) override {
        largest = std::max<int>(largest, count);
        if (kind != RegisterKind::holding) return {BusError::exception, "illegal function"};
        out = {0, 2350, 40, 0};
        out.resize(count);
        return {};
      }
    } bus;
    DeviceSpec spec{"rl-1", 1, find_profile("XJ-RL80"), 60000, 125};
    spec.options.set("face_elevation", 58.2);
    DevicePoller p(spec);
    // WHEN it is polled
    const auto r = p.poll(bus, FakeClock{});
    // THEN the level is 55.850 m and no request asked more than 8 registers
    REQUIRE(r.size() == 1);
    CHECK(r[0].point == "rl-1.level");
    CHECK(*r[0].value == doctest::Approx(55.850));
    CHECK(bus.largest <= 8);
  }

  TEST_CASE("options that fail check_options are refused when the poller is made") {
    CHECK_THROWS_AS(DevicePoller({"rl-1", 1, find_profile("XJ-RL80"), 60000, 8}), std::invalid_argument);
    DeviceSpec spec{"ch4-1", 1, find_profile("XJ-CH4"), 2000, 8};
    spec.options.set("gauge_factor", 1.0);
    CHECK_THROWS_WITH_AS(DevicePoller{spec}, doctest::Contains("XJ-CH4 takes no option"), std::invalid_argument);
  }

  TEST_CASE("state is kept between polls: XJ-GN1 sends an epoch once and stamps it with the epoch") {
    GnssBus bus;
    DevicePoller p({"gn-1", 1, find_profile("XJ-GN1"), 60000, 8});
    // WHEN polled twice on one epoch THEN one solution, timestamped with the epoch
    const auto first = p.poll(bus, FakeClock{});
    REQUIRE(first.size() == 4);
    CHECK(first[3].point == "gn-1.horizontal");
    CHECK(*first[3].value == doctest::Approx(5.0));
    CHECK(first[3].ts_ms == 1764100800000);
    CHECK(p.poll(bus, FakeClock{}).empty());
    CHECK(p.online());
    CHECK(*p.state().get("epoch") == 1764100800);
    // AND a new epoch is sent
    bus.epoch += 600;
    CHECK(p.poll(bus, FakeClock{}).size() == 4);
  }

  TEST_CASE("XJ-GN1 keeps its last epoch across a restart: the same epoch is not sent again") {
    GnssBus bus;
    DevicePoller before({"gn-1", 1, find_profile("XJ-GN1"), 60000, 8});
    CHECK(before.kept_state().all().empty());  // nothing seen yet, nothing to keep
    REQUIRE(before.poll(bus, FakeClock{}).size() == 4);
    // GIVEN what the poller keeps after sending epoch E: the epoch, nothing else
    const DeviceState kept = before.kept_state();
    REQUIRE(kept.all().size() == 1);
    CHECK(*kept.get("epoch") == 1764100800);
    // WHEN a new poller (the gateway restarted) is given it and the station still serves E
    DevicePoller after({"gn-1", 1, find_profile("XJ-GN1"), 60000, 8});
    after.restore(kept);
    // THEN E is not sent again, but the device is online
    CHECK(after.poll(bus, FakeClock{}).empty());
    CHECK(after.online());
    // AND the next epoch is
    bus.epoch += 3600;
    CHECK(after.poll(bus, FakeClock{}).size() == 4);
    CHECK(*after.kept_state().get("epoch") == 1764100800 + 3600);
  }

  TEST_CASE("only what a profile keeps is restored: an XJ-RG2 count starts from a baseline after a restart") {
    DeviceState previous;
    previous.set("tips", 100);
    previous.set("boot_count", 1);
    DevicePoller p({"rg-1", 1, find_profile("XJ-RG2"), 60000, 8});
    p.restore(previous);
    CHECK(p.state().all().empty());
    CHECK(p.kept_state().all().empty());
  }

  TEST_CASE("an offline XJ-VW4 reports every channel its options give") {
    FakeBus bus;
    bus.fail = BusError::timeout;
    DeviceSpec spec{"vw-1", 1, find_profile("XJ-VW4"), 5000, 8};
    spec.options.set("ch1.sensor", std::string("piezometer"));
    spec.options.set("ch1.gauge_factor", -0.1734);
    spec.options.set("ch1.zero_reading", 8650.0);
    spec.options.set("ch2.sensor", std::string("none"));
    spec.options.set("ch3.sensor", std::string("none"));
    spec.options.set("ch4.sensor", std::string("none"));
    DevicePoller p(spec);
    const auto r = p.poll(bus, FakeClock{});
    REQUIRE(r.size() == 4);
    CHECK(r[0].point == "vw-1.ch1_frequency");
    CHECK(r[2].point == "vw-1.ch1_pore_pressure");
    CHECK(r[2].unit == "kPa");
    CHECK(r[3].point == "vw-1.ch1_head");
    for (const auto& x : r) CHECK(x.status == DeviceStatus::offline);
  }
}
