// GNSS conversion, from datasheets/XJ-GN1.md "Quirks".
#include <doctest/doctest.h>

#include "firmware/engineering/gnss.hpp"

using namespace lookout::firmware::engineering;

TEST_SUITE("engineering.gnss") {
  TEST_CASE("horizontal displacement is sqrt(d_north^2 + d_east^2)") {
    CHECK(horizontal_displacement_mm(3.0, 4.0) == doctest::Approx(5.0));
    CHECK(horizontal_displacement_mm(-3.0, -4.0) == doctest::Approx(5.0));
    CHECK(horizontal_displacement_mm(0.0, 0.0) == 0.0);
  }
}
