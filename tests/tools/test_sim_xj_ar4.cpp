// Tests for tools/sim/xj_ar4.cpp against datasheets/XJ-AR4.md.
#include <doctest/doctest.h>

#include "tools/sim/xj_ar4.hpp"

using namespace lookout::sim;

TEST_SUITE("sim") {
  TEST_CASE("XJ-AR4 coils - heartbeat register - reset button input") {
    XjAr4State s;
    auto r = encode_xj_ar4(s, Seconds{0.0});
    CHECK(r.coils == std::array<std::uint8_t, 4>{0, 0, 0, 0});
    CHECK(r.heartbeat_timeout_s == 0);
    CHECK(r.inputs == 0);
    s.coils[0] = true;
    s.coils[2] = true;
    s.reset_button = true;
    r = encode_xj_ar4(s, Seconds{0.0});
    CHECK(r.coils == std::array<std::uint8_t, 4>{1, 0, 1, 0});
    CHECK(r.inputs == 0x0001);  // bit0 local reset button pressed
  }

  TEST_CASE("XJ-AR4 heartbeat: no write for the timeout sets the beacon by itself") {
    XjAr4State s;
    // 0 = off: never
    CHECK(encode_xj_ar4(s, Seconds{1e6}).coils[1] == 0);
    // GIVEN a 30 s timeout written at t = 10
    xj_ar4_note_write(s, Seconds{10.0});
    s.heartbeat_timeout_s = 30;
    CHECK(encode_xj_ar4(s, Seconds{39.9}).coils[1] == 0);
    // WHEN no write comes for 30 s THEN the beacon flashes
    CHECK(encode_xj_ar4(s, Seconds{40.0}).coils[1] == 1);
    CHECK(xj_ar4_heartbeat_expired(s, Seconds{40.0}));
    // WHEN the master comes back and writes something else THEN the beacon stays set
    xj_ar4_note_write(s, Seconds{50.0});
    CHECK(s.coils[1]);
    CHECK(encode_xj_ar4(s, Seconds{51.0}).coils[1] == 1);
    // and writes in time keep it from firing again once cleared
    s.coils[1] = false;
    xj_ar4_note_write(s, Seconds{70.0});
    CHECK(encode_xj_ar4(s, Seconds{99.0}).coils[1] == 0);
  }

  TEST_CASE("XJ-AR4 device: Modbus writes restart the heartbeat - control fields do not") {
    XjAr4 d("ar-1", 5);
    CHECK(d.supports_function(1));
    CHECK(d.supports_function(5));
    CHECK(d.supports_function(15));
    CHECK(d.supports_function(3));
    CHECK(d.supports_function(6));
    CHECK(d.supports_function(4));
    CHECK_FALSE(d.supports_function(16));
    CHECK_FALSE(d.supports_function(2));
    d.write_holding(0, 5, Seconds{1.0});
    d.write_coil(0, true, Seconds{4.0});
    CHECK(d.registers(Seconds{8.9}).coils.bits == std::vector<std::uint8_t>{1, 0, 0, 0});
    CHECK(d.registers(Seconds{9.0}).coils.bits == std::vector<std::uint8_t>{1, 1, 0, 0});
    // the master clears the beacon: that write restarts the timer
    d.write_coil(1, false, Seconds{9.5});
    CHECK(d.registers(Seconds{14.0}).coils.bits[1] == 0);
    CHECK_FALSE(d.set("reset_button", "1", Seconds{14.0}));
    CHECK(d.registers(Seconds{14.0}).input.words == std::vector<std::uint16_t>{1});
    CHECK_FALSE(d.set("power_cut", "1", Seconds{14.0}));
    CHECK(d.registers(Seconds{14.4}).coils.bits == std::vector<std::uint8_t>{1, 0, 1, 0});
    CHECK(d.registers(Seconds{14.5}).coils.bits[1] == 1);  // control "set" was no heartbeat
    CHECK_FALSE(d.set("heartbeat_timeout_s", "0", Seconds{20.0}));
    CHECK(d.registers(Seconds{1000.0}).coils.bits[1] == 1);  // latched at 20 s
    CHECK_FALSE(d.set("beacon", "0", Seconds{20.0}));
    CHECK_FALSE(d.set("spare", "1", Seconds{20.0}));
    CHECK_FALSE(d.set("siren", "0", Seconds{20.0}));
    CHECK(d.registers(Seconds{1000.0}).coils.bits == std::vector<std::uint8_t>{0, 0, 1, 1});
    CHECK(d.set("siren", "on", Seconds{20.0}));
    CHECK(d.set("heartbeat_timeout_s", "65536", Seconds{20.0}));
    CHECK(d.state_json(Seconds{20.0})["power_cut"] == true);
  }
}
