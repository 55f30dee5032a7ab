// Inclinometer conversion, from datasheets/XJ-IN3.md "Converting".
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "firmware/engineering/inclinometer.hpp"

using namespace lookout::firmware::engineering;

TEST_SUITE("engineering.inclinometer") {
  TEST_CASE("the sheet's example: L = 0.5 m from 0.250 deg to 1.250 deg is 8.726 mm") {
    // GIVEN the sheet's sines of the two angles
    CHECK(std::sin(1.25 * std::numbers::pi / 180.0) == doctest::Approx(0.0218149).epsilon(1e-6));
    CHECK(std::sin(0.25 * std::numbers::pi / 180.0) == doctest::Approx(0.0043633).epsilon(1e-5));
    // THEN 0.5 x (0.0218149 - 0.0043633) x 1000 = 8.726 mm
    CHECK(segment_displacement_mm(0.5, 1.25, 0.25) == doctest::Approx(8.726).epsilon(1e-4));
  }

  TEST_CASE("no tilt change is no displacement - a tilt back is negative") {
    CHECK(segment_displacement_mm(1.0, 2.0, 2.0) == doctest::Approx(0.0));
    CHECK(segment_displacement_mm(0.5, 0.25, 1.25) == doctest::Approx(-8.726).epsilon(1e-4));
  }

  TEST_CASE("cumulative displacement sums the segments below") {
    const std::vector<double> segments{8.726, 1.0, -0.5};
    CHECK(cumulative_displacement_mm(segments) == doctest::Approx(9.226));
    CHECK(cumulative_displacement_mm({}) == 0.0);
  }
}
