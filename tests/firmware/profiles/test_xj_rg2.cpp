// XJ-RG2 decoding and rain per interval, from datasheets/XJ-RG2.md.
#include <doctest/doctest.h>

#include "firmware/profiles/profiles.hpp"
#include "firmware/read_plan.hpp"
#include "tests/firmware/profiles/device_registers.hpp"

using namespace lookout::firmware;
using namespace lookout::firmware::testing;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;

namespace {

/// A gauge across polls: its registers and the profile's state.
struct Gauge {
  DeviceRegisters regs;
  DeviceState state;

  /// One poll with `tips` (uint32 CDAB) and `boot_count`, resolution code `res`.
  std::vector<ChannelValue> poll(std::uint32_t tips, std::uint16_t boot_count, std::uint16_t res = 1) {
    regs.set_u32(regs.holding, 0, tips, WordOrder::cdab);
    regs.holding[2] = res;
    regs.holding[3] = 123;  // today_x10: not for use
    regs.holding[4] = boot_count;
    return poll_registers(profiles::xj_rg2(), regs, {}, state);
  }
};

}  // namespace

TEST_SUITE("profiles.xj_rg2") {
  TEST_CASE("the first poll is a baseline - no rain is invented from a count since power-on") {
    Gauge g;
    CHECK(g.poll(5000, 3).empty());
  }

  TEST_CASE("rain per interval: (tips now - tips before) x 0.2 mm") {
    // GIVEN a baseline of 100 tips
    Gauge g;
    g.poll(100, 3);
    // WHEN 25 more tips are counted
    const auto v = g.poll(125, 3);
    // THEN 5.0 mm fell in the interval
    REQUIRE(v.size() == 1);
    CHECK(v[0].channel == "rain");
    CHECK(v[0].quantity == "rain");
    CHECK(v[0].unit == "mm");
    CHECK(v[0].quality == Quality::good);
    CHECK(*v[0].value == doctest::Approx(5.0));
    // AND no tips is 0 mm, good
    CHECK(*g.poll(125, 3)[0].value == 0.0);
  }

  TEST_CASE("resolution codes 0 1 2 - an undefined code is invalid and its tips count later") {
    Gauge g;
    g.poll(0, 1, 0);
    CHECK(*g.poll(3, 1, 0)[0].value == doctest::Approx(0.3));
    CHECK(*g.poll(5, 1, 2)[0].value == doctest::Approx(1.0));
    const auto bad = g.poll(9, 1, 3);
    CHECK(bad[0].status == DeviceStatus::invalid_response);
    CHECK(bad[0].quality == Quality::bad);
    CHECK(*g.poll(10, 1, 1)[0].value == doctest::Approx(1.0));  // 5 tips since the last good poll
  }

  TEST_CASE("tips is uint32 CDAB: low word first") {
    Gauge g;
    g.poll(65535, 1);
    CHECK(g.regs.holding[0] == 0xFFFF);
    CHECK(g.regs.holding[1] == 0x0000);
    g.poll(65536 + 9, 1);
    CHECK(g.regs.holding[0] == 0x0009);
    CHECK(g.regs.holding[1] == 0x0001);
    CHECK(*g.state.get("tips") == 65545);
  }

  TEST_CASE("a wrap: tips down with the same boot_count counts through 4294967295") {
    Gauge g;
    g.poll(4294967290U, 3);
    const auto v = g.poll(4, 3);
    CHECK(v[0].quality == Quality::good);
    CHECK(*v[0].value == doctest::Approx(2.0));  // 10 tips x 0.2 mm
  }

  TEST_CASE("a reboot: boot_count changed - the new count from 0 and nothing for the cut") {
    // GIVEN 5000 tips, then a power cut
    Gauge g;
    g.poll(5000, 3);
    // WHEN the gauge is back with boot_count 4 and 15 tips since power-on
    const auto v = g.poll(15, 4);
    // THEN 3.0 mm, a lower bound marked restarted - not (15 - 5000) wrapped
    CHECK(v[0].quality == Quality::uncertain);
    CHECK(v[0].status == DeviceStatus::restarted);
    CHECK(*v[0].value == doctest::Approx(3.0));
    // AND the next interval is normal again
    CHECK(g.poll(20, 4)[0].quality == Quality::good);
  }

  TEST_CASE("a wrap so large it is no rain is an invalid response - then a new baseline") {
    Gauge g;
    g.poll(1000, 3);
    const auto v = g.poll(500, 3);  // "wrap" of 4294966796 tips
    CHECK(v[0].status == DeviceStatus::invalid_response);
    CHECK(!v[0].value);
    CHECK(*g.poll(510, 3)[0].value == doctest::Approx(2.0));
  }

  TEST_CASE("one request for holding registers 0-4 - today_x10 decoded but never reported") {
    const Profile p = profiles::xj_rg2();
    const auto plan = plan_reads(p, 8);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].kind == RegisterKind::holding);
    CHECK(plan[0].count == 5);
    DeviceRegisters r;
    r.holding[3] = 123;
    CHECK(decode_fields(p, plan, r.answer(plan)).get("today_mm") == doctest::Approx(12.3));
    Gauge g;
    g.poll(0, 1);
    const auto v = g.poll(1, 1);
    REQUIRE(v.size() == 1);
    CHECK(v[0].channel == "rain");
  }
}
