// XJ-GN1 decoding, epochs and fixes, from datasheets/XJ-GN1.md.
#include <doctest/doctest.h>

#include <cmath>

#include "firmware/profiles/profiles.hpp"
#include "firmware/read_plan.hpp"
#include "tests/firmware/profiles/device_registers.hpp"

using namespace lookout::firmware;
using namespace lookout::firmware::testing;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;

namespace {

/// A station across polls.
struct Station {
  DeviceRegisters regs;
  DeviceState state;

  /// Input registers: offsets float32 ABCD mm, solution, satellites, epoch uint32 ABCD s.
  std::vector<ChannelValue> poll(float north, float east, float up, std::uint16_t solution, std::uint32_t epoch) {
    regs.set_f32(regs.input, 0, north, WordOrder::abcd);
    regs.set_f32(regs.input, 2, east, WordOrder::abcd);
    regs.set_f32(regs.input, 4, up, WordOrder::abcd);
    regs.input[6] = solution;
    regs.input[7] = 14;
    regs.set_u32(regs.input, 8, epoch, WordOrder::abcd);
    return poll_registers(profiles::xj_gn1(), regs, {}, state);
  }
};

constexpr std::uint32_t EPOCH = 1764100800;  // 2025-11-25T20:00:00Z

}  // namespace

TEST_SUITE("profiles.xj_gn1") {
  TEST_CASE("a fixed solution: offsets in mm and the horizontal displacement - at the epoch") {
    Station s;
    const auto v = s.poll(3.0f, -4.0f, -1.5f, 4, EPOCH);
    REQUIRE(v.size() == 4);
    CHECK(*channel_of(v, "d_north").value == 3.0);
    CHECK(*channel_of(v, "d_east").value == -4.0);
    CHECK(*channel_of(v, "d_up").value == -1.5);
    CHECK(channel_of(v, "d_up").quantity == "displacement_up");
    const auto h = channel_of(v, "horizontal");
    CHECK(h.quantity == "displacement_horizontal");
    CHECK(h.unit == "mm");
    CHECK(h.quality == Quality::good);
    CHECK(*h.value == doctest::Approx(5.0));
    CHECK(*h.measured_ms == std::int64_t{EPOCH} * 1000);
  }

  TEST_CASE("offsets are float32 ABCD and the epoch uint32 ABCD: high word first") {
    Station s;
    s.poll(12.5f, 0.0f, 0.0f, 4, 0x00011170);
    CHECK(s.regs.input[0] == 0x4148);  // 12.5f = 0x41480000
    CHECK(s.regs.input[1] == 0x0000);
    CHECK(s.regs.input[8] == 0x0001);
    CHECK(s.regs.input[9] == 0x1170);
    CHECK(*s.state.get("epoch") == 70000);
  }

  TEST_CASE("the same epoch read twice is one solution: sent once") {
    Station s;
    CHECK(s.poll(1.0f, 1.0f, 0.0f, 4, EPOCH).size() == 4);
    CHECK(s.poll(1.0f, 1.0f, 0.0f, 4, EPOCH).empty());
    CHECK(s.poll(1.0f, 1.0f, 0.0f, 4, EPOCH).empty());
    // AND the next epoch is a new solution
    CHECK(s.poll(1.2f, 1.0f, 0.0f, 4, EPOCH + 3600).size() == 4);
  }

  TEST_CASE("none and single solutions are not valid displacements") {
    for (const std::uint16_t solution : {0, 1}) {
      CAPTURE(solution);
      Station s;
      const auto v = s.poll(30.0f, 40.0f, 5.0f, solution, EPOCH);
      REQUIRE(v.size() == 4);
      for (const auto& c : v) {
        CHECK(c.quality == Quality::bad);
        CHECK(c.status == DeviceStatus::no_fix);
        CHECK(!c.value);
      }
    }
  }

  TEST_CASE("a float solution is an uncertain displacement - with its values and status float_solution") {
    // GIVEN the sheet: "Only a fixed solution (4) is a valid displacement; a float solution is uncertain"
    Station s;
    // WHEN a float solution (2) comes with offsets 30, 40, 5 mm
    const auto v = s.poll(30.0f, 40.0f, 5.0f, 2, EPOCH);
    // THEN every channel carries its value, uncertain, at the epoch
    REQUIRE(v.size() == 4);
    for (const auto& c : v) {
      CAPTURE(c.channel);
      CHECK(c.quality == Quality::uncertain);
      CHECK(c.status == DeviceStatus::float_solution);
      REQUIRE(c.value);
      CHECK(*c.measured_ms == std::int64_t{EPOCH} * 1000);
    }
    CHECK(*channel_of(v, "d_north").value == 30.0);
    CHECK(*channel_of(v, "horizontal").value == doctest::Approx(50.0));
    // AND a float solution with a NaN offset is no measurement at all
    const auto nan = s.poll(std::nanf(""), 40.0f, 5.0f, 2, EPOCH + 1);
    CHECK(channel_of(nan, "horizontal").quality == Quality::bad);
    CHECK(channel_of(nan, "horizontal").status == DeviceStatus::invalid_response);
    CHECK(!channel_of(nan, "d_east").value);
  }

  TEST_CASE("an undefined solution code or a NaN offset in a fixed solution is an invalid response") {
    Station s;
    CHECK(s.poll(1.0f, 1.0f, 0.0f, 3, EPOCH)[0].status == DeviceStatus::invalid_response);
    const auto v = s.poll(std::nanf(""), 1.0f, 0.0f, 4, EPOCH + 1);
    CHECK(channel_of(v, "horizontal").status == DeviceStatus::invalid_response);
    CHECK(!channel_of(v, "d_east").value);
  }

  TEST_CASE("an epoch before 2000 is no time: an invalid response at the poll time") {
    // Found by tests/fuzz/fuzz_device_profiles: a fixed solution with an epoch in 1994 went
    // out timestamped 1994, and the aggregator refused the whole batch it was in.
    // GIVEN a station that does not know the time yet
    Station s;
    // WHEN it sends a fixed solution at 1994-05-30
    const auto v = s.poll(3.0f, -4.0f, -1.5f, 4, 770296356);
    // THEN no channel has a value or a time of its own
    REQUIRE(v.size() == 4);
    for (const auto& c : v) {
      CHECK(c.status == DeviceStatus::invalid_response);
      CHECK(c.quality == Quality::bad);
      CHECK(!c.value);
      CHECK(!c.measured_ms);
    }
    // The last second of 1999 is not a time either; the first of 2000 is.
    CHECK(s.poll(3.0f, -4.0f, -1.5f, 4, 946684799)[0].status == DeviceStatus::invalid_response);
    const auto y2k = s.poll(3.0f, -4.0f, -1.5f, 4, 946684800);
    CHECK(channel_of(y2k, "d_north").quality == Quality::good);
    CHECK(*channel_of(y2k, "d_north").measured_ms == 946684800000);
  }

  TEST_CASE("input registers 0-9 and holding register 20 (mode)") {
    const Profile p = profiles::xj_gn1();
    const auto plan = plan_reads(p, 8);
    REQUIRE(plan.size() == 2);
    CHECK(plan[0].kind == RegisterKind::holding);
    CHECK(plan[0].start == 20);
    CHECK(plan[0].count == 1);
    CHECK(plan[1].kind == RegisterKind::input);
    CHECK(plan[1].count == 10);
    DeviceRegisters r;
    r.holding[20] = 1;
    r.input[7] = 17;
    const auto f = decode_fields(p, plan, r.answer(plan));
    CHECK(f.get("mode") == 1);
    CHECK(f.get("satellites") == 17);
  }
}
