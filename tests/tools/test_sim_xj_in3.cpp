// Tests for tools/sim/xj_in3.cpp against datasheets/XJ-IN3.md.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <numbers>

#include "tools/sim/xj_in3.hpp"

using namespace lookout::sim;

namespace {

// int32 CDAB x0.001, decoded test-side from the README's definition.
double tilt_at(const XjIn3Registers& r, std::size_t address) {
  const auto raw = std::bit_cast<std::int32_t>((std::uint32_t{r[address + 1]} << 16) | r[address]);
  return raw / 1000.0;
}
double sin_deg(double deg) { return std::sin(deg * std::numbers::pi / 180.0); }

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("XJ-IN3 worked example: L 0.5 m from 0.250 to 1.250 deg is 8.726 mm") {
    XjIn3State installed;
    installed.tilt_x = 0.250;
    XjIn3State now;
    now.tilt_x = 1.250;
    const auto r0 = encode_xj_in3(installed);
    const auto r1 = encode_xj_in3(now);
    CHECK(r0[0] == 250);  // CDAB: low word first
    CHECK(r0[1] == 0);
    CHECK(r1[0] == 1250);
    CHECK(r1[1] == 0);
    const double mm = 0.5 * (sin_deg(tilt_at(r1, 0)) - sin_deg(tilt_at(r0, 0))) * 1000.0;
    CHECK(mm == doctest::Approx(8.726).epsilon(1e-4));
  }

  TEST_CASE("XJ-IN3 negative tilts - temperature - every status code") {
    XjIn3State s;
    s.tilt_x = -1.25;  // -1250 = 0xFFFFFB1E
    s.tilt_y = 29.999;
    s.temperature = -3.5;
    auto r = encode_xj_in3(s);
    CHECK(r[0] == 0xFB1E);
    CHECK(r[1] == 0xFFFF);
    CHECK(tilt_at(r, 0) == -1.25);
    CHECK(tilt_at(r, 2) == 29.999);
    CHECK(r[4] == static_cast<std::uint16_t>(-35));
    CHECK(r[5] == 0);
    // beyond +-30.000: status 1, the value held at the range limit
    s.tilt_y = 31.0;
    r = encode_xj_in3(s);
    CHECK(r[5] == 1);
    CHECK(tilt_at(r, 2) == 30.0);
    s.tilt_y = 0.0;
    s.tilt_x = -45.0;
    r = encode_xj_in3(s);
    CHECK(r[5] == 1);
    CHECK(tilt_at(r, 0) == -30.0);
    s.status = In3Status::fault;
    CHECK(encode_xj_in3(s)[5] == 2);
    s.tilt_x = 0.0;
    s.status = In3Status::out_of_range;
    CHECK(encode_xj_in3(s)[5] == 1);
  }

  TEST_CASE("XJ-IN3 device: control fields - function 04 only") {
    XjIn3 d("in-1", 1);
    const Seconds t{0.0};
    CHECK(d.supports_function(4));
    CHECK_FALSE(d.supports_function(3));
    CHECK_FALSE(d.set("tilt_x", "2.5", t));
    CHECK_FALSE(d.set("tilt_y", "-0.125", t));
    CHECK_FALSE(d.set("temperature", "12.3", t));
    CHECK_FALSE(d.set("status", "fault", t));
    CHECK(d.set("tilt_x", "nan", t));
    CHECK(d.set("status", "broken", t));
    const auto w = d.registers(t).input.words;
    REQUIRE(w.size() == 6);
    CHECK(w[0] == 2500);
    CHECK(w[2] == static_cast<std::uint16_t>(-125));
    CHECK(w[3] == 0xFFFF);
    CHECK(w[4] == 123);
    CHECK(w[5] == 2);
  }
}
