#include "firmware/engineering/vibrating_wire.hpp"

namespace lookout::firmware::engineering {
namespace {

constexpr double DIGITS_PER_HZ2 = 1.0 / 1000.0;  // "R = f^2 / 1000" (XJ-VW4.md line 37)
constexpr double KPA_PER_M_OF_WATER = 9.80665;   // "head above the tip is value / 9.80665 m" (line 43)

}  // namespace

double vw_digits(double frequency_hz) { return frequency_hz * frequency_hz * DIGITS_PER_HZ2; }

double vw_value(double frequency_hz, double temperature_c, const VwCalibration& cal) {
  return cal.gauge_factor * (vw_digits(frequency_hz) - cal.zero_reading) +
         cal.thermal_factor * (temperature_c - cal.zero_temperature);
}

double pressure_head_m(double pore_pressure_kpa) { return pore_pressure_kpa / KPA_PER_M_OF_WATER; }

double piezometric_level_m(double tip_elevation_m, double head_m) { return tip_elevation_m + head_m; }

double phreatic_depth_m(double pipe_mouth_elevation_m, double piezometric_level_m) {
  return pipe_mouth_elevation_m - piezometric_level_m;
}

}  // namespace lookout::firmware::engineering
