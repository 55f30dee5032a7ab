// Tests for tools/sim/xj_vw4.cpp against datasheets/XJ-VW4.md.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>

#include "tools/sim/xj_vw4.hpp"

using namespace lookout::sim;

namespace {

// Test-side decoding, straight from the README's definition of ABCD.
float f32_abcd_at(const XjVw4Registers& r, std::size_t address) {
  return std::bit_cast<float>((std::uint32_t{r.input[address]} << 16) | r.input[address + 1]);
}
double temp_at(const XjVw4Registers& r, std::size_t channel) {
  return std::bit_cast<std::int16_t>(r.input[XJ_VW4_IR_TEMP + channel]) / 10.0;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("XJ-VW4 worked example: 2700.0 Hz ABCD and 18.0 degC give 235.724 kPa") {
    // GIVEN channel 1 reading f = 2700.0 Hz at T = 18.0 degC (XJ-VW4.md worked example)
    XjVw4State s;
    s.channels[0].freq = 2700.0;
    s.channels[0].temperature = 18.0;
    const auto r = encode_xj_vw4(s);
    // THEN IR 0-1 hold 0x4528C000 high word first, IR 8 holds 180, IR 12 status 0
    CHECK(r.input[0] == 0x4528);
    CHECK(r.input[1] == 0xC000);
    CHECK(r.input[8] == 180);
    CHECK(r.input[12] == 0);
    // AND the sheet's conversion of what was read gives its numbers
    const double f = f32_abcd_at(r, 0);
    const double digits = f * f / 1000.0;
    CHECK(digits == doctest::Approx(7290.0));
    const double kpa = -0.1734 * (digits - 8650.0) + 0.05 * (temp_at(r, 0) - 20.0);
    CHECK(kpa == doctest::Approx(235.724).epsilon(1e-6));
    CHECK(kpa / 9.80665 == doctest::Approx(24.037).epsilon(1e-4));
  }

  TEST_CASE("XJ-VW4 every channel status code and the NaN of no resonance") {
    XjVw4State s;
    s.channels[0].status = VwStatus::ok;
    s.channels[1].status = VwStatus::open_circuit;
    s.channels[2].status = VwStatus::short_circuit;
    s.channels[3].status = VwStatus::no_resonance;
    auto r = encode_xj_vw4(s);
    CHECK(r.input[12] == 0);
    CHECK(r.input[13] == 1);
    CHECK(r.input[14] == 2);
    CHECK(r.input[15] == 3);
    CHECK(std::isnan(f32_abcd_at(r, 6)));      // "3 no resonance (freq = NaN)"
    CHECK(f32_abcd_at(r, 2) == 2700.0f);       // open circuit: the last value stays
    s.channels[3].status = VwStatus::measuring;
    r = encode_xj_vw4(s);
    CHECK(r.input[15] == 4);
    CHECK(f32_abcd_at(r, 6) == 2700.0f);       // "value is the previous scan's"
  }

  TEST_CASE("XJ-VW4 temperature -40.0 is -400 and the holding registers") {
    XjVw4State s;
    s.channels[2].temperature = -40.0;
    const auto r = encode_xj_vw4(s);
    CHECK(r.input[10] == static_cast<std::uint16_t>(-400));
    CHECK(temp_at(r, 2) == -40.0);
    CHECK(r.holding[0] == 1);  // unit_id
    CHECK(r.holding[1] == 1);  // 9600
    CHECK(r.holding[2] == 5);  // "default 5"
    CHECK(xj_vw4_holding_value_ok(100, 247));
    CHECK_FALSE(xj_vw4_holding_value_ok(100, 0));
    CHECK_FALSE(xj_vw4_holding_value_ok(100, 248));
    CHECK(xj_vw4_holding_value_ok(101, 4));
    CHECK_FALSE(xj_vw4_holding_value_ok(101, 5));
    CHECK(xj_vw4_holding_value_ok(102, 5));
    CHECK(xj_vw4_holding_value_ok(102, 3600));
    CHECK_FALSE(xj_vw4_holding_value_ok(102, 4));
    CHECK_FALSE(xj_vw4_holding_value_ok(102, 3601));
  }

  TEST_CASE("XJ-VW4 device: control fields and its 16-register limit") {
    XjVw4 d("vw-1", 7);
    const Seconds t{1.0};
    CHECK(d.max_registers_per_request() == 16);
    CHECK(d.supports_function(3));
    CHECK(d.supports_function(4));
    CHECK(d.supports_function(6));
    CHECK_FALSE(d.supports_function(16));
    CHECK(d.state().unit_id == 7);
    CHECK_FALSE(d.set("ch2_freq", "3100.5", t));
    CHECK_FALSE(d.set("ch2_temp", "-5.5", t));
    CHECK_FALSE(d.set("ch4_status", "no_resonance", t));
    CHECK(d.set("ch5_freq", "1", t));
    CHECK(d.set("ch1_freq", "-1", t));
    CHECK(d.set("ch1_status", "broken", t));
    CHECK(d.set("colour", "red", t)->starts_with("unknown field 'colour' for XJ-VW4"));
    const auto image = d.registers(t);
    CHECK(image.input.words.size() == 16);
    CHECK(image.holding.start == 100);
    CHECK(image.input.words[9] == static_cast<std::uint16_t>(-55));
    CHECK(image.input.words[15] == 3);
    CHECK(std::bit_cast<float>((std::uint32_t{image.input.words[2]} << 16) | image.input.words[3]) ==
          3100.5f);
    d.write_holding(102, 60, t);
    CHECK(d.registers(t).holding.words[2] == 60);
    CHECK(d.state_json(t)["channels"][3]["status"] == "no_resonance");
  }
}
