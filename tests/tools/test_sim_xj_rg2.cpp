// Tests for tools/sim/xj_rg2.cpp against datasheets/XJ-RG2.md.
#include <doctest/doctest.h>

#include "tools/sim/xj_rg2.hpp"

using namespace lookout::sim;

namespace {

std::uint32_t tips_cdab(const XjRg2Registers& r) { return (std::uint32_t{r[1]} << 16) | r[0]; }

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("XJ-RG2 tips uint32 CDAB - default 0.2 mm - boot_count") {
    XjRg2State s;
    s.tips = 70000;  // 0x00011170
    const auto r = encode_xj_rg2(s, Seconds{0.0});
    CHECK(r[0] == 0x1170);  // low word first
    CHECK(r[1] == 0x0001);
    CHECK(r[2] == 1);       // "1 = 0.2 mm (default)"
    CHECK(r[4] == 1);
    CHECK(*xj_rg2_mm_per_tip(0) == 0.1);
    CHECK(*xj_rg2_mm_per_tip(1) == 0.2);
    CHECK(*xj_rg2_mm_per_tip(2) == 0.5);
    CHECK_FALSE(xj_rg2_mm_per_tip(3));
    // the sheet's conversion: (tips now - tips before) x resolution
    XjRg2State later = s;
    later.tips += 25;
    CHECK((tips_cdab(encode_xj_rg2(later, Seconds{0.0})) - tips_cdab(r)) * 0.2 ==
          doctest::Approx(5.0));
  }

  TEST_CASE("XJ-RG2 counter wraps from 4294967295 to 0 with the same boot_count") {
    XjRg2 d("rg-1", 4);
    const Seconds t{10.0};
    CHECK_FALSE(d.set("tips", "4294967294", t));
    auto w = d.registers(t).holding.words;
    CHECK(w[0] == 0xFFFE);
    CHECK(w[1] == 0xFFFF);
    CHECK_FALSE(d.set("add_tips", "1", t));
    w = d.registers(t).holding.words;
    CHECK(w[0] == 0xFFFF);
    CHECK(w[1] == 0xFFFF);
    CHECK_FALSE(d.set("add_tips", "3", t));
    w = d.registers(t).holding.words;
    CHECK(w[0] == 2);  // wrapped: 4294967295 + 3 = 2
    CHECK(w[1] == 0);
    CHECK(w[4] == 1);  // same boot_count: a wrap, not a restart
  }

  TEST_CASE("XJ-RG2 power_cycle restarts the counter at 0 and increments boot_count") {
    XjRg2 d("rg-1", 4);
    const Seconds t{10.0};
    CHECK_FALSE(d.set("add_tips", "500", t));
    CHECK_FALSE(d.set("boot_count", "65535", t));
    CHECK_FALSE(d.set("power_cycle", "1", t));
    auto w = d.registers(t).holding.words;
    CHECK(w[0] == 0);
    CHECK(w[1] == 0);
    CHECK(w[4] == 0);  // uint16: 65535 + 1
    CHECK_FALSE(d.set("power_cycle", "1", t));
    CHECK(d.registers(t).holding.words[4] == 1);
    CHECK(d.set("power_cycle", "0", t));
  }

  TEST_CASE("XJ-RG2 rain_rate makes tips over time at the resolution") {
    XjRg2 d("rg-1", 4);
    // 36 mm/h at 0.2 mm per tip = 180 tips per hour = one tip every 20 s
    CHECK_FALSE(d.set("rain_rate", "36", Seconds{100.0}));
    CHECK(d.registers(Seconds{119.0}).holding.words[0] == 0);
    CHECK(d.registers(Seconds{120.0}).holding.words[0] == 1);
    CHECK(d.registers(Seconds{160.0}).holding.words[0] == 3);
    // a change of resolution keeps the tips counted so far
    CHECK_FALSE(d.set("resolution", "0.5", Seconds{160.0}));
    auto w = d.registers(Seconds{210.0}).holding.words;
    CHECK(w[2] == 2);
    CHECK(w[0] == 4);  // 0.5 mm per tip at 36 mm/h: one tip every 50 s
    CHECK(w[3] == 20); // today_x10: 4 tips x 0.5 mm
    CHECK_FALSE(d.set("rain_rate", "0", Seconds{210.0}));
    CHECK(d.registers(Seconds{10000.0}).holding.words[0] == 4);
    CHECK(d.set("resolution", "0.3", Seconds{0.0}));
    CHECK(d.set("rain_rate", "-1", Seconds{0.0}));
    CHECK(d.set("tips", "4294967296", Seconds{0.0}));
    CHECK_FALSE(d.supports_function(4));
    CHECK(d.supports_function(3));
  }
}
