// XJ-RL80 decoding and conversion, from datasheets/XJ-RL80.md.
#include <doctest/doctest.h>

#include "firmware/profiles/profiles.hpp"
#include "firmware/read_plan.hpp"
#include "tests/firmware/profiles/device_registers.hpp"

using namespace lookout::firmware;
using namespace lookout::firmware::testing;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;

namespace {

/// Holding registers 0-1 air_gap (uint32 ABCD), 3 status; the face at 58.200 m.
ChannelValue read_rl80(std::uint32_t air_gap_mm, std::uint16_t status) {
  DeviceRegisters r;
  r.set_u32(r.holding, 0, air_gap_mm, WordOrder::abcd);
  r.holding[2] = 40;  // echo_db
  r.holding[3] = status;
  DeviceOptions o;
  o.set("face_elevation", 58.200);
  DeviceState s;
  const auto v = poll_registers(profiles::xj_rl80(), r, o, s);
  REQUIRE(v.size() == 1);
  return v[0];
}

}  // namespace

TEST_SUITE("profiles.xj_rl80") {
  TEST_CASE("the sheet's example: face at 58.200 m and air gap 2350 mm is a level of 55.850 m") {
    const auto v = read_rl80(2350, 0);
    CHECK(v.channel == "level");
    CHECK(v.quantity == "water_level");
    CHECK(v.unit == "m");
    CHECK(v.quality == Quality::good);
    CHECK(*v.value == doctest::Approx(55.850));
  }

  TEST_CASE("air_gap is uint32 ABCD: high word first") {
    // 70000 mm = 0x00011170
    CHECK(*read_rl80(70000, 0).value == doctest::Approx(58.200 - 70.0));
    DeviceRegisters r;
    r.set_u32(r.holding, 0, 70000, WordOrder::abcd);
    CHECK(r.holding[0] == 0x0001);
    CHECK(r.holding[1] == 0x1170);
  }

  TEST_CASE("status 1 no echo: 0xFFFFFFFF is not a level") {
    const auto v = read_rl80(0xFFFFFFFF, 1);
    CHECK(v.quality == Quality::bad);
    CHECK(v.status == DeviceStatus::sensor_fault);
    CHECK(!v.value);
  }

  TEST_CASE("status 2 weak echo: the last good value is not sent as new") {
    const auto v = read_rl80(2350, 2);
    CHECK(v.quality == Quality::bad);
    CHECK(v.status == DeviceStatus::weak_signal);
    CHECK(!v.value);
  }

  TEST_CASE("status 3 blind zone: the water is at least face - 0.3 m - over range") {
    const auto v = read_rl80(120, 3);
    CHECK(v.quality == Quality::uncertain);
    CHECK(v.status == DeviceStatus::over_range);
    CHECK(*v.value == doctest::Approx(57.900));
  }

  TEST_CASE("out of the 0.3-80 m range with status 0 or an unknown status is an invalid response") {
    CHECK(read_rl80(299, 0).status == DeviceStatus::invalid_response);
    CHECK(read_rl80(80001, 0).status == DeviceStatus::invalid_response);
    CHECK(read_rl80(0xFFFFFFFF, 0).status == DeviceStatus::invalid_response);
    CHECK(read_rl80(300, 0).quality == Quality::good);
    CHECK(read_rl80(80000, 0).quality == Quality::good);
    CHECK(read_rl80(2350, 4).status == DeviceStatus::invalid_response);
    CHECK(!read_rl80(2350, 4).value);
  }

  TEST_CASE("face_elevation is required") {
    const Profile p = profiles::xj_rl80();
    const auto issues = check_options(p, {});
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].key == "face_elevation");
    DeviceOptions o;
    o.set("face_elevation", 58.2);
    CHECK(check_options(p, o).empty());
    o.set("face_elevation", std::string("high"));
    CHECK(check_options(p, o).size() == 1);
  }

  TEST_CASE("requests keep to 8 registers") {
    const Profile p = profiles::xj_rl80();
    CHECK(p.max_registers_per_request == 8);
    const auto plan = plan_reads(p, 8);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].kind == RegisterKind::holding);
    CHECK(plan[0].start == 0);
    CHECK(plan[0].count == 4);
  }
}
