// Tests for tools/sim/xj_ch4.cpp against datasheets/XJ-CH4.md.
#include <doctest/doctest.h>

#include "tools/sim/xj_ch4.hpp"

using namespace lookout::sim;

namespace {

constexpr Seconds AFTER_WARMUP{120.0};

XjCh4State measuring() {
  XjCh4State s;
  s.warmup.duration = Seconds{60.0};
  return s;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("XJ-CH4 scales ch4 x0.01 into IR 0 - rounding to nearest") {
    // GIVEN a warmed-up sensor
    auto s = measuring();
    // WHEN it sees 1.25 %CH4 THEN IR 0 = 125 and status 0 (normal)
    s.ch4 = 1.25;
    auto r = encode_xj_ch4(s, AFTER_WARMUP);
    CHECK(r.input[0] == 125);
    CHECK(r.input[1] == 0);
    // 0.034 -> 3.4 -> 3; 0.036 -> 3.6 -> 4
    s.ch4 = 0.034;
    CHECK(encode_xj_ch4(s, AFTER_WARMUP).input[0] == 3);
    s.ch4 = 0.036;
    CHECK(encode_xj_ch4(s, AFTER_WARMUP).input[0] == 4);
    // full scale 4.00 is still a measurement
    s.ch4 = 4.0;
    r = encode_xj_ch4(s, AFTER_WARMUP);
    CHECK(r.input[0] == 400);
    CHECK(r.input[1] == 0);
  }

  TEST_CASE("XJ-CH4 temperature is int16 x0.1 in IR 2") {
    auto s = measuring();
    s.temperature = 23.5;
    CHECK(encode_xj_ch4(s, AFTER_WARMUP).input[2] == 235);
    s.temperature = -5.5;
    CHECK(encode_xj_ch4(s, AFTER_WARMUP).input[2] == 0xFFC9);  // -55
  }

  TEST_CASE("XJ-CH4 over 4.00 %CH4 reports status 3 and IR 0 = 400") {
    auto s = measuring();
    s.ch4 = 9.0;
    auto r = encode_xj_ch4(s, AFTER_WARMUP);
    CHECK(r.input[0] == 400);
    CHECK(r.input[1] == 3);
    // forced over-range, whatever the gas
    s.ch4 = 0.5;
    s.status = XjCh4Status::over_range;
    r = encode_xj_ch4(s, AFTER_WARMUP);
    CHECK(r.input[0] == 400);
    CHECK(r.input[1] == 3);
  }

  TEST_CASE("XJ-CH4 element fault: IR 0 = 65535 - status 2") {
    auto s = measuring();
    s.ch4 = 1.0;
    s.status = XjCh4Status::fault;
    const auto r = encode_xj_ch4(s, AFTER_WARMUP);
    CHECK(r.input[0] == 65535);
    CHECK(r.input[1] == 2);
  }

  TEST_CASE("XJ-CH4 warm-up: status 1 and IR 0 = 0 until it ends") {
    // GIVEN gas present from power-on
    auto s = measuring();
    s.ch4 = 1.5;
    // WHEN read inside the warm-up THEN status 1, register 0 holds 0
    auto r = encode_xj_ch4(s, Seconds{10.0});
    CHECK(r.input[0] == 0);
    CHECK(r.input[1] == 1);
    // WHEN read after it THEN the gas shows
    r = encode_xj_ch4(s, Seconds{60.0});
    CHECK(r.input[0] == 150);
    CHECK(r.input[1] == 0);
    // a zero-length warm-up never shows
    s.warmup.duration = Seconds{0.0};
    CHECK(encode_xj_ch4(s, Seconds{0.0}).input[1] == 0);
  }

  TEST_CASE("XJ-CH4 local_alarm HR 10 defaults to 100 and takes writes") {
    XjCh4 device("ch4-1", 1, Seconds{0.0});
    auto image = device.registers(Seconds{1.0});
    CHECK(image.holding.start == 10);
    REQUIRE(image.holding.words.size() == 1);
    CHECK(image.holding.words[0] == 100);
    CHECK(image.input.start == 0);
    CHECK(image.input.words.size() == 3);
    device.write_holding(10, 150, Seconds{0.0});
    CHECK(device.registers(Seconds{1.0}).holding.words[0] == 150);
  }

  TEST_CASE("XJ-CH4 answers functions 03 - 04 and 06 only") {
    XjCh4 device("ch4-1", 1, Seconds{0.0});
    CHECK(device.supports_function(0x03));
    CHECK(device.supports_function(0x04));
    CHECK(device.supports_function(0x06));
    CHECK_FALSE(device.supports_function(0x10));
    CHECK_FALSE(device.supports_function(0x01));
  }

  TEST_CASE("XJ-CH4 control fields") {
    XjCh4 device("ch4-1", 1, Seconds{60.0});
    CHECK_FALSE(device.set("ch4", "0.8", Seconds{1.0}));
    CHECK(device.state().ch4 == doctest::Approx(0.8));
    CHECK_FALSE(device.set("temperature", "-3.2", Seconds{1.0}));
    CHECK(device.set("ch4", "-1", Seconds{1.0}));
    CHECK(device.set("ch4", "abc", Seconds{1.0}));
    CHECK(device.set("ch4", "nan", Seconds{1.0}));
    CHECK(device.set("status", "broken", Seconds{1.0}));
    CHECK(device.set("concentration", "1", Seconds{1.0}));

    // GIVEN still warming up WHEN status normal THEN the warm-up ends
    CHECK(device.registers(Seconds{1.0}).input.words[1] == 1);
    CHECK_FALSE(device.set("status", "normal", Seconds{1.0}));
    const auto image = device.registers(Seconds{1.0});
    CHECK(image.input.words[0] == 80);
    CHECK(image.input.words[1] == 0);
    CHECK(image.input.words[2] == 0xFFE0);  // -32

    // forced warm-up holds until status normal
    CHECK_FALSE(device.set("status", "warming_up", Seconds{1.0}));
    CHECK(device.registers(Seconds{1000.0}).input.words[1] == 1);
    CHECK(device.registers(Seconds{1000.0}).input.words[0] == 0);

    CHECK_FALSE(device.set("local_alarm", "1.5", Seconds{1.0}));
    CHECK(device.state().local_alarm == 150);
  }
}
