// XJ-AR4 read-back, from datasheets/XJ-AR4.md.
#include <doctest/doctest.h>

#include "firmware/profiles/profiles.hpp"
#include "firmware/read_plan.hpp"
#include "tests/firmware/profiles/device_registers.hpp"

using namespace lookout::firmware;
using namespace lookout::firmware::testing;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;

namespace {

std::vector<ChannelValue> read_ar4(const DeviceRegisters& r) {
  DeviceState s;
  return poll_registers(profiles::xj_ar4(), r, {}, s);
}

}  // namespace

TEST_SUITE("profiles.xj_ar4") {
  TEST_CASE("coils 0-3 are siren beacon power_cut spare - 1 = on") {
    DeviceRegisters r;
    r.coil[0] = 1;
    r.coil[2] = 1;
    const auto v = read_ar4(r);
    REQUIRE(v.size() == 5);
    CHECK(*channel_of(v, "siren").value == 1.0);
    CHECK(*channel_of(v, "beacon").value == 0.0);
    CHECK(*channel_of(v, "power_cut").value == 1.0);
    CHECK(*channel_of(v, "spare").value == 0.0);
    CHECK(channel_of(v, "power_cut").quantity == "relay_state");
    CHECK(channel_of(v, "power_cut").quality == Quality::good);
  }

  TEST_CASE("input register 0 bit0 is the local reset button") {
    DeviceRegisters r;
    CHECK(*channel_of(read_ar4(r), "reset_button").value == 0.0);
    r.input[0] = 1;
    CHECK(*channel_of(read_ar4(r), "reset_button").value == 1.0);
    CHECK(channel_of(read_ar4(r), "reset_button").quantity == "button_state");
  }

  TEST_CASE("undefined input bits or a coil word other than 0 or 1 are invalid responses") {
    DeviceRegisters r;
    r.input[0] = 0x0003;
    r.coil[1] = 2;
    const auto v = read_ar4(r);
    CHECK(channel_of(v, "reset_button").status == DeviceStatus::invalid_response);
    CHECK(!channel_of(v, "reset_button").value);  // never a false "reset pressed"
    CHECK(channel_of(v, "beacon").status == DeviceStatus::invalid_response);
  }

  TEST_CASE("three requests: coils 0-3 with function 01 - holding 0 - input 0") {
    const Profile p = profiles::xj_ar4();
    const auto plan = plan_reads(p, 8);
    REQUIRE(plan.size() == 3);
    CHECK(plan[0].kind == RegisterKind::holding);
    CHECK(plan[1].kind == RegisterKind::input);
    CHECK(plan[2].kind == RegisterKind::coil);
    CHECK(plan[2].start == 0);
    CHECK(plan[2].count == 4);
    DeviceRegisters r;
    r.holding[0] = 120;
    CHECK(decode_fields(p, plan, r.answer(plan)).get("heartbeat_timeout_s") == 120);
  }
}
