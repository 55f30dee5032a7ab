// Radar level conversion, from datasheets/XJ-RL80.md "Converting".
#include <doctest/doctest.h>

#include "firmware/engineering/radar_level.hpp"

using namespace lookout::firmware::engineering;

TEST_SUITE("engineering.radar_level") {
  TEST_CASE("the sheet's example: face at 58.200 m and 2350 mm of air gap is 55.850 m") {
    CHECK(water_level_elevation_m(58.200, 2350.0) == doctest::Approx(55.850));
  }

  TEST_CASE("the range ends: 0.3 m and 80 m below the face") {
    CHECK(water_level_elevation_m(100.0, 300.0) == doctest::Approx(99.7));
    CHECK(water_level_elevation_m(100.0, 80000.0) == doctest::Approx(20.0));
  }
}
