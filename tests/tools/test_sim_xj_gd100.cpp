// Tests for tools/sim/xj_gd100.cpp against datasheets/XJ-GD100.md.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>

#include "tools/sim/xj_gd100.hpp"

using namespace lookout::sim;

namespace {

constexpr Seconds AFTER_WARMUP{120.0};

XjGd100State measuring(Gas gas = Gas::h2s) {
  XjGd100State s;
  select_gas(s, gas);
  s.warmup.duration = Seconds{60.0};
  return s;
}

// Test-side decoding, straight from the README's definition of CDAB.
float f32_at(const XjGd100Registers& r, std::size_t address) {
  const std::uint32_t abcd = (std::uint32_t{r[address + 1]} << 16) | r[address];
  return std::bit_cast<float>(abcd);
}
std::uint32_t u32_at(const XjGd100Registers& r, std::size_t address) {
  return (std::uint32_t{r[address + 1]} << 16) | r[address];
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("XJ-GD100 normal measuring: bit1 - gas code - CDAB concentration - unit") {
    // GIVEN an H2S detector after warm-up reading 12.5 ppm (0x41480000)
    auto s = measuring();
    s.concentration = 12.5;
    const auto r = encode_xj_gd100(s, AFTER_WARMUP);
    // THEN HR 0 has only bit1 (monitoring) and bit6 (12.5 >= alarm1 10 ppm)
    CHECK(r[0] == (XJ_GD100_BIT_MONITORING | XJ_GD100_BIT_ALARM1));
    CHECK(r[1] == 2);  // H2S
    CHECK(r[2] == 0x0000);  // low word first
    CHECK(r[3] == 0x4148);
    CHECK(r[4] == 1);  // ppm
    CHECK(r[5] == 0);
    CHECK(f32_at(r, 6) == 10.0f);
    CHECK(f32_at(r, 8) == 20.0f);
  }

  TEST_CASE("XJ-GD100 default unit and setpoints follow the gas") {
    CHECK(encode_xj_gd100(measuring(Gas::ch4), AFTER_WARMUP)[4] == 0);  // %LEL
    CHECK(encode_xj_gd100(measuring(Gas::o2), AFTER_WARMUP)[4] == 2);   // %VOL
    CHECK(encode_xj_gd100(measuring(Gas::co), AFTER_WARMUP)[4] == 1);   // ppm
    const auto co = encode_xj_gd100(measuring(Gas::co), AFTER_WARMUP);
    CHECK(co[1] == 3);
    CHECK(f32_at(co, 6) == 50.0f);
    CHECK(f32_at(co, 8) == 100.0f);
    // O2 in clean air: 20.9 %VOL, no alarm
    const auto o2 = encode_xj_gd100(measuring(Gas::o2), AFTER_WARMUP);
    CHECK(f32_at(o2, 2) == 20.9f);
    CHECK(o2[0] == XJ_GD100_BIT_MONITORING);
  }

  TEST_CASE("XJ-GD100 alarm bits 6 and 7 at the setpoints") {
    auto s = measuring();
    s.concentration = 9.9;
    CHECK(encode_xj_gd100(s, AFTER_WARMUP)[0] == XJ_GD100_BIT_MONITORING);
    s.concentration = 10.0;
    CHECK(encode_xj_gd100(s, AFTER_WARMUP)[0] == (XJ_GD100_BIT_MONITORING | XJ_GD100_BIT_ALARM1));
    s.concentration = 20.0;
    CHECK(encode_xj_gd100(s, AFTER_WARMUP)[0] ==
          (XJ_GD100_BIT_MONITORING | XJ_GD100_BIT_ALARM1 | XJ_GD100_BIT_ALARM2));
    // O2: alarm 1 is the low (deficiency) alarm
    auto o2 = measuring(Gas::o2);
    o2.concentration = 18.0;
    CHECK(encode_xj_gd100(o2, AFTER_WARMUP)[0] == (XJ_GD100_BIT_MONITORING | XJ_GD100_BIT_ALARM1));
    o2.concentration = 24.0;
    CHECK(encode_xj_gd100(o2, AFTER_WARMUP)[0] == (XJ_GD100_BIT_MONITORING | XJ_GD100_BIT_ALARM2));
  }

  TEST_CASE("XJ-GD100 over-range: clamped at full scale - fault_code 4 - bit4") {
    // GIVEN CO (0-1000 ppm) WHEN the air holds 1500 ppm
    auto s = measuring(Gas::co);
    s.concentration = 1500.0;
    const auto r = encode_xj_gd100(s, AFTER_WARMUP);
    // THEN it reads full scale with fault 4, still monitoring, both alarms on
    CHECK(f32_at(r, 2) == 1000.0f);
    CHECK(r[5] == 4);
    CHECK((r[0] & XJ_GD100_BIT_FAULT) != 0);
    CHECK((r[0] & XJ_GD100_BIT_MONITORING) != 0);
    CHECK((r[0] & XJ_GD100_BIT_ALARM2) != 0);
    // forced over-range reads full scale too
    auto h2s = measuring();
    h2s.fault = XjGd100Fault::over_range;
    const auto f = encode_xj_gd100(h2s, AFTER_WARMUP);
    CHECK(f32_at(f, 2) == 100.0f);
    CHECK(f[5] == 4);
    // full scales of the sheet's range table
    for (auto [gas, full] : {std::pair{Gas::ch4, 100.0f}, std::pair{Gas::h2s, 100.0f},
                             std::pair{Gas::co, 1000.0f}, std::pair{Gas::o2, 30.0f},
                             std::pair{Gas::nh3, 200.0f}, std::pair{Gas::cl2, 20.0f}}) {
      auto g = measuring(gas);
      g.concentration = 1e6;
      CHECK(f32_at(encode_xj_gd100(g, AFTER_WARMUP), 2) == full);
    }
  }

  TEST_CASE("XJ-GD100 warm-up: bit0 and NaN for 60 s") {
    auto s = measuring();
    s.concentration = 5.0;
    auto r = encode_xj_gd100(s, Seconds{59.9});
    CHECK(r[0] == XJ_GD100_BIT_WARMING_UP);
    CHECK(std::isnan(f32_at(r, 2)));
    r = encode_xj_gd100(s, Seconds{60.0});
    CHECK(r[0] == XJ_GD100_BIT_MONITORING);
    CHECK(f32_at(r, 2) == 5.0f);
  }

  TEST_CASE("XJ-GD100 calibration and inhibit: test gas value - no monitoring - no alarms") {
    auto s = measuring();
    s.concentration = 25.0;  // test gas above both setpoints
    s.mode = XjGd100Mode::calibration;
    auto r = encode_xj_gd100(s, AFTER_WARMUP);
    CHECK(r[0] == XJ_GD100_BIT_CALIBRATION);
    CHECK(f32_at(r, 2) == 25.0f);
    s.mode = XjGd100Mode::inhibited;
    r = encode_xj_gd100(s, AFTER_WARMUP);
    CHECK(r[0] == XJ_GD100_BIT_INHIBITED);
    CHECK(f32_at(r, 2) == 25.0f);
  }

  TEST_CASE("XJ-GD100 faults") {
    auto s = measuring();
    s.concentration = 3.0;
    // element failed: bit4, code 1, not measuring, NaN
    s.fault = XjGd100Fault::element;
    auto r = encode_xj_gd100(s, AFTER_WARMUP);
    CHECK(r[0] == XJ_GD100_BIT_FAULT);
    CHECK(r[5] == 1);
    CHECK(std::isnan(f32_at(r, 2)));
    s.fault = XjGd100Fault::loop;
    CHECK(encode_xj_gd100(s, AFTER_WARMUP)[5] == 2);
    // calibration expired still measures (quirks)
    s.fault = XjGd100Fault::calibration_expired;
    r = encode_xj_gd100(s, AFTER_WARMUP);
    CHECK(r[0] == (XJ_GD100_BIT_FAULT | XJ_GD100_BIT_MONITORING));
    CHECK(r[5] == 3);
    CHECK(f32_at(r, 2) == 3.0f);
    // maintenance due is bit5, independent of the rest
    s.fault = XjGd100Fault::none;
    s.maintenance_due = true;
    CHECK(encode_xj_gd100(s, AFTER_WARMUP)[0] ==
          (XJ_GD100_BIT_MONITORING | XJ_GD100_BIT_MAINTENANCE_DUE));
  }

  TEST_CASE("XJ-GD100 run_hours is uint32 CDAB from uptime") {
    auto s = measuring();
    CHECK(u32_at(encode_xj_gd100(s, Seconds{3599.0}), 10) == 0);
    CHECK(u32_at(encode_xj_gd100(s, Seconds{7200.0}), 10) == 2);
    s.run_hours_at_start = 70000;  // 0x00011170: low word 0x1170 first
    const auto r = encode_xj_gd100(s, Seconds{0.0});
    CHECK(r[10] == 0x1170);
    CHECK(r[11] == 0x0001);
  }

  TEST_CASE("XJ-GD100 control fields") {
    XjGd100 device("gd-1", 2, Seconds{60.0});
    CHECK(device.registers(Seconds{1.0}).holding.words[0] == XJ_GD100_BIT_WARMING_UP);
    // mode normal ends the warm-up
    CHECK_FALSE(device.set("mode", "normal", Seconds{1.0}));
    CHECK(device.registers(Seconds{1.0}).holding.words[0] == XJ_GD100_BIT_MONITORING);
    // gas resets unit and setpoints
    CHECK_FALSE(device.set("alarm1", "7", Seconds{1.0}));
    CHECK_FALSE(device.set("gas", "CH4", Seconds{1.0}));
    CHECK(device.state().unit == GasUnit::lel);
    CHECK(device.state().alarm1 == 20.0);
    CHECK(device.state().alarm2 == 50.0);
    CHECK_FALSE(device.set("gas", "Cl2", Seconds{1.0}));
    CHECK(device.state().alarm1 == 1.0);
    CHECK(device.set("gas", "cl2", Seconds{1.0}));  // names are case-sensitive
    CHECK(device.set("gas", "N2", Seconds{1.0}));
    CHECK_FALSE(device.set("fault", "calibration_expired", Seconds{1.0}));
    CHECK(device.set("fault", "bad", Seconds{1.0}));
    CHECK_FALSE(device.set("maintenance_due", "1", Seconds{1.0}));
    CHECK(device.set("maintenance_due", "yes", Seconds{1.0}));
    CHECK(device.set("concentration", "inf", Seconds{1.0}));
    CHECK(device.set("concentration", "1e300", Seconds{1.0}));
    CHECK_FALSE(device.set("run_hours", "70000", Seconds{7200.0}));
    const auto words = device.registers(Seconds{7200.0}).holding.words;
    CHECK(words[10] == 0x1170);
    CHECK(words[11] == 0x0001);
    CHECK(device.set("mode", "sleep", Seconds{1.0}));
    CHECK(device.set("ch4", "1", Seconds{1.0}));
    CHECK(device.supports_function(0x03));
    CHECK_FALSE(device.supports_function(0x04));
    CHECK_FALSE(device.supports_function(0x06));
    CHECK_FALSE(device.supports_function(0x10));
  }
}
