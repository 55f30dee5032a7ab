// Tests for tools/sim/xj_gn1.cpp against datasheets/XJ-GN1.md.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <utility>
#include <cmath>

#include "tools/sim/xj_gn1.hpp"

using namespace lookout::sim;

namespace {

constexpr std::int64_t START = 1767225600;  // 2026-01-01T00:00:00Z

float f32_abcd_at(const XjGn1Registers& r, std::size_t address) {
  return std::bit_cast<float>((std::uint32_t{r.input[address]} << 16) | r.input[address + 1]);
}
std::uint32_t epoch_of(const XjGn1Registers& r) {
  return (std::uint32_t{r.input[8]} << 16) | r.input[9];
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("XJ-GN1 first solution at power-on: fixed - zero offsets - epoch ABCD") {
    const auto s = xj_gn1_initial_state(START);
    const auto r = encode_xj_gn1(s, Seconds{1.0});
    CHECK(r.input[6] == 4);
    CHECK(r.input[7] == 14);
    CHECK(f32_abcd_at(r, 0) == 0.0f);
    CHECK(epoch_of(r) == START);
    CHECK(r.input[8] == static_cast<std::uint16_t>(START >> 16));  // high word first
    CHECK(r.mode == 0);
  }

  TEST_CASE("XJ-GN1 offsets change only with a new epoch - one per hour in mode 0") {
    auto s = xj_gn1_initial_state(START);
    s.staged.d_north = 3.0;  // 3-4-5: horizontal displacement 5 mm
    s.staged.d_east = -4.0;
    s.staged.d_up = 12.5;    // 0x41480000
    // GIVEN staged values THEN the same epoch keeps the old offsets
    auto r = encode_xj_gn1(s, Seconds{3599.0});
    CHECK(f32_abcd_at(r, 0) == 0.0f);
    CHECK(epoch_of(r) == START);
    // WHEN the hour is up THEN one new solution
    r = encode_xj_gn1(s, Seconds{3600.0});
    CHECK(epoch_of(r) == START + 3600);
    CHECK(f32_abcd_at(r, 0) == 3.0f);
    CHECK(r.input[4] == 0x4148);
    CHECK(r.input[5] == 0x0000);
    CHECK(std::hypot(f32_abcd_at(r, 0), f32_abcd_at(r, 2)) == doctest::Approx(5.0));
    // mode 1: every 10 min, counted from power-on
    xj_gn1_set_mode(s, 1, Seconds{3700.0});
    CHECK(epoch_of(encode_xj_gn1(s, Seconds{4199.0})) == START + 3600);
    CHECK(epoch_of(encode_xj_gn1(s, Seconds{4200.0})) == START + 4200);
  }

  TEST_CASE("XJ-GN1 every solution type and a new epoch on demand") {
    auto s = xj_gn1_initial_state(START);
    const std::array<std::pair<GnSolution, int>, 4> types{{{GnSolution::none, 0},
                                                           {GnSolution::single, 1},
                                                           {GnSolution::float_, 2},
                                                           {GnSolution::fixed, 4}}};
    for (const auto& [type, code] : types) {
      s.staged.solution = type;
      const auto before = epoch_of(encode_xj_gn1(s, Seconds{5.0}));
      xj_gn1_new_epoch(s, Seconds{5.0});
      const auto r = encode_xj_gn1(s, Seconds{5.0});
      CHECK(r.input[6] == code);
      CHECK(epoch_of(r) > before);  // two epochs in one second still differ
    }
  }

  TEST_CASE("XJ-GN1 device: staged control fields - mode over HR 20 - TCP only") {
    XjGn1 d("gn-1", 1);
    CHECK_FALSE(d.serial());
    CHECK(d.supports_function(4));
    CHECK(d.supports_function(3));
    CHECK(d.supports_function(6));
    CHECK_FALSE(d.supports_function(16));
    const Seconds t{2.0};
    CHECK_FALSE(d.set("d_north", "7.5", t));
    CHECK_FALSE(d.set("solution", "float", t));
    CHECK_FALSE(d.set("satellites", "6", t));
    auto w = d.registers(t).input.words;
    CHECK(w[6] == 4);  // still the power-on solution
    CHECK_FALSE(d.set("new_epoch", "1", t));
    w = d.registers(t).input.words;
    CHECK(w[6] == 2);
    CHECK(w[7] == 6);
    CHECK(w[0] == 0x40F0);  // 7.5f = 0x40F00000
    CHECK(d.holding_value_ok(20, 1));
    CHECK_FALSE(d.holding_value_ok(20, 2));
    d.write_holding(20, 1, t);
    CHECK(d.registers(t).holding.words == std::vector<std::uint16_t>{1});
    CHECK(d.registers(t).holding.start == 20);
    // a short period for tests: epochs come by themselves
    CHECK_FALSE(d.set("epoch_period_s", "1", t));
    CHECK_FALSE(d.set("d_north", "8", t));
    CHECK(d.registers(Seconds{2.9}).input.words[0] == 0x40F0);
    CHECK(d.registers(Seconds{3.0}).input.words[0] == 0x4100);  // 8.0f
    CHECK(d.set("solution", "rtk", t));
    CHECK(d.set("mode", "2", t));
    CHECK(d.set("epoch_period_s", "-1", t));
    CHECK(d.set("new_epoch", "0", t));
  }
}
