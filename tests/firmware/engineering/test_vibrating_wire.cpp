// Vibrating-wire conversion, from datasheets/XJ-VW4.md "Converting to engineering units".
#include <doctest/doctest.h>

#include <cmath>

#include "firmware/engineering/vibrating_wire.hpp"

using namespace lookout::firmware::engineering;

TEST_SUITE("engineering.vibrating_wire") {
  TEST_CASE("the sheet's worked piezometer example: 235.724 kPa and 24.037 m of head") {
    // GIVEN G = -0.1734 kPa/digit, K = 0.05 kPa/degC, R0 = 8650.0, T0 = 20.0
    const VwCalibration cal{.gauge_factor = -0.1734, .thermal_factor = 0.05, .zero_reading = 8650.0,
                            .zero_temperature = 20.0};
    // WHEN the registers read f = 2700.0 Hz and T = 18.0 degC
    // THEN R = 7290.0, G*(R-R0) = 235.824, K*(T-T0) = -0.1, value = 235.724 kPa, head = 24.037 m
    CHECK(vw_digits(2700.0) == doctest::Approx(7290.0));
    CHECK(cal.gauge_factor * (vw_digits(2700.0) - cal.zero_reading) == doctest::Approx(235.824));
    CHECK(vw_value(2700.0, 18.0, cal) == doctest::Approx(235.724));
    CHECK(pressure_head_m(vw_value(2700.0, 18.0, cal)) == doctest::Approx(24.037).epsilon(1e-5));
  }

  TEST_CASE("without a thermal factor the temperature does not matter") {
    const VwCalibration cal{.gauge_factor = 0.02, .thermal_factor = 0.0, .zero_reading = 5000.0,
                            .zero_temperature = 0.0};
    // GIVEN a crack meter at its zero reading THEN the opening is 0 mm at any temperature
    CHECK(vw_value(std::sqrt(5000.0 * 1000.0), -10.0, cal) == doctest::Approx(0.0));
    CHECK(vw_value(std::sqrt(5100.0 * 1000.0), 35.0, cal) == doctest::Approx(2.0));
  }

  TEST_CASE("piezometric level and phreatic depth") {
    // GIVEN a tip at 120.0 m and 24.037 m of head THEN the piezometric level is 144.037 m
    CHECK(piezometric_level_m(120.0, 24.037) == doctest::Approx(144.037));
    // AND under a pipe mouth at 150.0 m the phreatic line is 5.963 m deep (standards.md)
    CHECK(phreatic_depth_m(150.0, 144.037) == doctest::Approx(5.963));
  }
}
