// XJ-VW4 decoding and conversion, from datasheets/XJ-VW4.md.
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

/// Channel `ch` (1-4) reading `freq` Hz, `temp_x10` x0.1 degC, `status`.
void set_channel(DeviceRegisters& r, int ch, float freq, std::int16_t temp_x10, std::uint16_t status) {
  r.set_f32(r.input, static_cast<std::uint16_t>(2 * (ch - 1)), freq, WordOrder::abcd);
  r.input[static_cast<std::uint16_t>(8 + ch - 1)] = static_cast<std::uint16_t>(temp_x10);
  r.input[static_cast<std::uint16_t>(12 + ch - 1)] = status;
}

/// The sheet's worked example on channel 1: G = -0.1734, K = 0.05, R0 = 8650.0, T0 = 20.0.
DeviceOptions worked_example_options() {
  DeviceOptions o;
  o.set("ch1.sensor", std::string("piezometer"));
  o.set("ch1.gauge_factor", -0.1734);
  o.set("ch1.thermal_factor", 0.05);
  o.set("ch1.zero_reading", 8650.0);
  o.set("ch1.zero_temperature", 20.0);
  return o;
}

std::vector<ChannelValue> poll(const DeviceRegisters& r, const DeviceOptions& o = {}) {
  DeviceState s;
  return poll_registers(profiles::xj_vw4(), r, o, s);
}

}  // namespace

TEST_SUITE("profiles.xj_vw4") {
  TEST_CASE("the sheet's worked example: 2700.0 Hz at 18.0 degC is 235.724 kPa and 24.037 m") {
    // GIVEN channel 1 a piezometer with the sheet's calibration, reading f = 2700.0 Hz, T = 18.0 degC
    DeviceRegisters r;
    set_channel(r, 1, 2700.0f, 180, 0);
    auto o = worked_example_options();
    o.set("ch1.tip_elevation", 100.0);
    o.set("ch1.pipe_mouth_elevation", 130.0);
    // WHEN it is polled
    const auto v = poll(r, o);
    // THEN frequency, temperature, pore pressure, head, piezometric level and phreatic depth are good
    CHECK(*channel_of(v, "ch1_frequency").value == 2700.0);
    CHECK(channel_of(v, "ch1_frequency").unit == "Hz");
    CHECK(*channel_of(v, "ch1_temperature").value == doctest::Approx(18.0));
    const auto p = channel_of(v, "ch1_pore_pressure");
    CHECK(p.quantity == "pore_pressure");
    CHECK(p.unit == "kPa");
    CHECK(p.quality == Quality::good);
    CHECK(*p.value == doctest::Approx(235.724));
    CHECK(*channel_of(v, "ch1_head").value == doctest::Approx(24.037).epsilon(1e-5));
    CHECK(channel_of(v, "ch1_head").unit == "m");
    CHECK(*channel_of(v, "ch1_piezometric_level").value == doctest::Approx(124.037).epsilon(1e-5));
    CHECK(*channel_of(v, "ch1_phreatic_depth").value == doctest::Approx(5.963).epsilon(1e-4));
  }

  TEST_CASE("frequency is float32 ABCD and temperature int16 x0.1 - per channel") {
    DeviceRegisters r;
    set_channel(r, 1, 2500.5f, -400, 0);  // "-400 = -40.0"
    set_channel(r, 4, 812.25f, 235, 0);
    CHECK(r.input[0] == 0x451C);  // 2500.5f = 0x451C4800: high word first
    const auto v = poll(r);
    CHECK(*channel_of(v, "ch1_frequency").value == 2500.5);
    CHECK(*channel_of(v, "ch1_temperature").value == doctest::Approx(-40.0));
    CHECK(*channel_of(v, "ch4_frequency").value == 812.25);
    CHECK(*channel_of(v, "ch4_temperature").value == doctest::Approx(23.5));
    CHECK(v.size() == 8);  // frequency and temperature on each of the four channels
  }

  TEST_CASE("status 1 2 and 3 are sensor faults - never a value") {
    for (const std::uint16_t status : {1, 2, 3}) {
      CAPTURE(status);
      DeviceRegisters r;
      set_channel(r, 1, status == 3 ? std::nanf("") : 2700.0f, 180, status);
      const auto v = poll(r, worked_example_options());
      for (const auto* name : {"ch1_frequency", "ch1_temperature", "ch1_pore_pressure", "ch1_head"}) {
        CAPTURE(name);
        CHECK(channel_of(v, name).quality == Quality::bad);
        CHECK(channel_of(v, name).status == DeviceStatus::sensor_fault);
        CHECK(!channel_of(v, name).value);
      }
    }
  }

  TEST_CASE("status 4 measuring: the previous scan's value is uncertain") {
    DeviceRegisters r;
    set_channel(r, 1, 2700.0f, 180, 4);
    const auto v = poll(r, worked_example_options());
    CHECK(channel_of(v, "ch1_pore_pressure").quality == Quality::uncertain);
    CHECK(channel_of(v, "ch1_pore_pressure").status == DeviceStatus::measuring);
    CHECK(*channel_of(v, "ch1_pore_pressure").value == doctest::Approx(235.724));
    // AND a previous scan that was NaN is no value at all
    set_channel(r, 1, std::nanf(""), 180, 4);
    CHECK(channel_of(poll(r), "ch1_frequency").quality == Quality::bad);
    CHECK(channel_of(poll(r), "ch1_frequency").status == DeviceStatus::measuring);
  }

  TEST_CASE("NaN with status 0 and codes the sheet does not define are invalid responses") {
    DeviceRegisters r;
    set_channel(r, 2, std::nanf(""), 180, 0);
    set_channel(r, 3, 2700.0f, 180, 5);
    const auto v = poll(r);
    CHECK(channel_of(v, "ch2_frequency").status == DeviceStatus::invalid_response);
    CHECK(channel_of(v, "ch2_frequency").quality == Quality::bad);
    CHECK(channel_of(v, "ch3_frequency").status == DeviceStatus::invalid_response);
    CHECK(!channel_of(v, "ch3_temperature").value);
  }

  TEST_CASE("a crack meter gives its opening in mm") {
    // GIVEN G = 0.02 mm/digit, R0 = 5000 digits: 2400 Hz is 5760 digits, 15.2 mm
    DeviceRegisters r;
    set_channel(r, 2, 2400.0f, 200, 0);
    DeviceOptions o;
    o.set("ch2.sensor", std::string("crack_meter"));
    o.set("ch2.gauge_factor", 0.02);
    o.set("ch2.zero_reading", 5000.0);
    const auto v = poll(r, o);
    CHECK(channel_of(v, "ch2_opening").quantity == "crack_opening");
    CHECK(channel_of(v, "ch2_opening").unit == "mm");
    CHECK(*channel_of(v, "ch2_opening").value == doctest::Approx(15.2));
    CHECK(!has_channel(v, "ch2_pore_pressure"));
  }

  TEST_CASE("a channel set to none gives no readings - not four open-circuit faults") {
    DeviceRegisters r;
    set_channel(r, 3, 0.0f, 0, 1);
    DeviceOptions o;
    o.set("ch3.sensor", std::string("none"));
    const auto v = poll(r, o);
    CHECK(!has_channel(v, "ch3_frequency"));
    CHECK(!has_channel(v, "ch3_temperature"));
    CHECK(v.size() == 6);
    CHECK(device_channels(profiles::xj_vw4(), o).size() == 6);
  }

  TEST_CASE("the device's channels follow its options") {
    const auto o = worked_example_options();
    const auto c = device_channels(profiles::xj_vw4(), o);
    CHECK(c.size() == 10);  // 4 x (frequency + temperature) + pore pressure + head
    CHECK(c[2].channel == "ch1_pore_pressure");
    CHECK(c[3].channel == "ch1_head");
  }

  TEST_CASE("options are checked: a sensor needs its gauge factor and zero reading") {
    const Profile p = profiles::xj_vw4();
    CHECK(check_options(p, worked_example_options()).empty());
    DeviceOptions o;
    o.set("ch1.sensor", std::string("piezometer"));
    o.set("ch2.sensor", std::string("strain_gauge"));
    o.set("ch3.gauge_factor", 0.1);
    o.set("ch4.thermal_factor", std::string("high"));
    o.set("gauge_factor", 1.0);
    const auto issues = check_options(p, o);
    const auto has_issue = [&](std::string_view key) {
      for (const auto& i : issues) {
        if (i.key == key) return true;
      }
      return false;
    };
    CHECK(has_issue("ch1.gauge_factor"));
    CHECK(has_issue("ch1.zero_reading"));
    CHECK(has_issue("ch2.sensor"));        // not one of the choices
    CHECK(has_issue("ch3.gauge_factor"));  // no sensor on ch3
    CHECK(has_issue("ch4.thermal_factor"));  // a word, not a number
    CHECK(has_issue("gauge_factor"));      // unknown key: per channel only
    DeviceOptions t;
    t.set("ch1.sensor", std::string("piezometer"));
    t.set("ch1.gauge_factor", -0.17);
    t.set("ch1.zero_reading", 8650.0);
    t.set("ch1.thermal_factor", 0.05);
    t.set("ch1.pipe_mouth_elevation", 130.0);
    const auto more = check_options(p, t);
    REQUIRE(more.size() == 2);
    CHECK(more[0].key == "ch1.zero_temperature");  // needed with the thermal factor
    CHECK(more[1].key == "ch1.tip_elevation");     // needed with the pipe mouth
  }

  TEST_CASE("requests keep to 16 registers: input 0-15 then holding 100-102") {
    const auto plan = plan_reads(profiles::xj_vw4(), 8);
    REQUIRE(plan.size() == 2);
    CHECK(plan[0].kind == RegisterKind::holding);
    CHECK(plan[0].start == 100);
    CHECK(plan[0].count == 3);
    CHECK(plan[1].kind == RegisterKind::input);
    CHECK(plan[1].start == 0);
    CHECK(plan[1].count == 16);
    for (const auto& r : plan_reads(profiles::xj_vw4(), 100)) CHECK(r.count <= 16);
  }

  TEST_CASE("the configuration registers are decoded") {
    DeviceRegisters r;
    r.holding[100] = 5;
    r.holding[101] = 1;
    r.holding[102] = 60;
    const Profile p = profiles::xj_vw4();
    const auto plan = plan_reads(p, 8);
    const auto f = decode_fields(p, plan, r.answer(plan));
    CHECK(f.get("unit_id") == 5);
    CHECK(f.get("baud_code") == 1);
    CHECK(f.get("scan_interval_s") == 60);
    CHECK(p.recommended_poll_ms == 5000);
  }
}
