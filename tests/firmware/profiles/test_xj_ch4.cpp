// XJ-CH4 decoding, from datasheets/XJ-CH4.md.
#include <doctest/doctest.h>

#include "firmware/profiles/profiles.hpp"
#include "firmware/read_plan.hpp"

using namespace lookout::firmware;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;

namespace {

/// Input registers 0 ch4, 1 status, 2 temperature, as the device sends them.
std::vector<ChannelValue> read_ch4(std::uint16_t ch4, std::uint16_t status, std::int16_t temp_x10) {
  const Profile p = profiles::xj_ch4();
  const auto plan = plan_reads(p, 8);
  DeviceState state;
  return p.interpret(decode_fields(p, plan, {{ch4, status, static_cast<std::uint16_t>(temp_x10)}}), {}, state);
}

}  // namespace

TEST_SUITE("profiles.xj_ch4") {
  TEST_CASE("normal: register 0 is %CH4 x0.01") {
    const auto v = read_ch4(120, 0, 215);
    REQUIRE(v.size() == 2);
    CHECK(v[0].channel == "ch4");
    CHECK(v[0].quantity == "methane");
    CHECK(v[0].unit == "%CH4");
    CHECK(v[0].quality == Quality::good);
    CHECK(*v[0].value == doctest::Approx(1.20));
    CHECK(v[1].channel == "temperature");
    CHECK(*v[1].value == doctest::Approx(21.5));
  }

  TEST_CASE("temperature is signed int16 x0.1") {
    CHECK(*read_ch4(0, 0, -55)[1].value == doctest::Approx(-5.5));
  }

  TEST_CASE("warming up: register 0 holds 0 - which is not a measurement") {
    const auto v = read_ch4(0, 1, 200);
    CHECK(v[0].quality == Quality::bad);
    CHECK(v[0].status == DeviceStatus::warming_up);
    CHECK(!v[0].value);
  }

  TEST_CASE("element fault: status 2 - or 65535 in register 0") {
    CHECK(read_ch4(65535, 2, 200)[0].status == DeviceStatus::sensor_fault);
    CHECK(read_ch4(65535, 0, 200)[0].status == DeviceStatus::sensor_fault);
    CHECK(!read_ch4(65535, 2, 200)[0].value);
  }

  TEST_CASE("over range: at least 4.00 %CH4 - never a plain number") {
    const auto v = read_ch4(400, 3, 200);
    CHECK(v[0].quality == Quality::uncertain);
    CHECK(v[0].status == DeviceStatus::over_range);
    CHECK(*v[0].value == doctest::Approx(4.00));
    // a catalytic element can read low at high concentration: still at least full scale
    CHECK(*read_ch4(150, 3, 200)[0].value == doctest::Approx(4.00));
  }

  TEST_CASE("values and codes the sheet does not define are invalid responses") {
    CHECK(read_ch4(401, 0, 200)[0].status == DeviceStatus::invalid_response);
    CHECK(read_ch4(100, 7, 200)[0].status == DeviceStatus::invalid_response);
    CHECK(read_ch4(100, 7, 200)[0].quality == Quality::bad);
  }
}
