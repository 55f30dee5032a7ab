// Tip counting, from datasheets/XJ-RG2.md "Converting".
#include <doctest/doctest.h>

#include "firmware/engineering/rain_gauge.hpp"

using namespace lookout::firmware::engineering;

TEST_SUITE("engineering.rain_gauge") {
  TEST_CASE("rainfall in an interval is (tips now - tips before) x resolution") {
    // GIVEN 100 tips then 125 tips on the same boot at 0.2 mm per tip
    const auto i = tips_between({100, 7}, {125, 7});
    CHECK(i.how == TipCount::counted);
    CHECK(i.tips == 25);
    // THEN 5.0 mm fell
    CHECK(rainfall_mm(i.tips, *mm_per_tip(1)) == doctest::Approx(5.0));
  }

  TEST_CASE("tips going down with the same boot_count is a wrap past 4294967295") {
    const auto i = tips_between({4294967290U, 7}, {4, 7});
    CHECK(i.how == TipCount::wrapped);
    CHECK(i.tips == 10);  // 5 up to 4294967295, 1 to 0, 4 more
  }

  TEST_CASE("a changed boot_count is a restart: the new value counts from 0") {
    // GIVEN 5000 tips before a power cut and 3 after it
    const auto i = tips_between({5000, 7}, {3, 8});
    // THEN 3 tips are counted - nothing for the tips lost in the cut
    CHECK(i.how == TipCount::restarted);
    CHECK(i.tips == 3);
    // AND a restart is told by boot_count even when the count went up
    CHECK(tips_between({2, 7}, {9, 8}).how == TipCount::restarted);
    CHECK(tips_between({2, 7}, {9, 8}).tips == 9);
    // AND boot_count wrapping from 65535 to 0 is a change as well
    CHECK(tips_between({2, 65535}, {1, 0}).how == TipCount::restarted);
  }

  TEST_CASE("resolution codes 0 1 2 are 0.1 0.2 0.5 mm per tip - others undefined") {
    CHECK(*mm_per_tip(0) == doctest::Approx(0.1));
    CHECK(*mm_per_tip(1) == doctest::Approx(0.2));
    CHECK(*mm_per_tip(2) == doctest::Approx(0.5));
    CHECK(!mm_per_tip(3));
    CHECK(!mm_per_tip(-1));
    CHECK(rainfall_mm(3, 0.1) == 0.3);  // rounded to 0.01 mm, not 0.30000000000000004
  }
}
