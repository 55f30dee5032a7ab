#include "firmware/engineering/inclinometer.hpp"

#include <cmath>
#include <numbers>

namespace lookout::firmware::engineering {
namespace {

constexpr double RAD_PER_DEG = std::numbers::pi / 180.0;
constexpr double MM_PER_M = 1000.0;

}  // namespace

double segment_displacement_mm(double segment_length_m, double tilt_deg, double zero_tilt_deg) {
  return segment_length_m * (std::sin(tilt_deg * RAD_PER_DEG) - std::sin(zero_tilt_deg * RAD_PER_DEG)) * MM_PER_M;
}

double cumulative_displacement_mm(std::span<const double> segment_displacements_mm) {
  double sum = 0.0;
  for (const double d : segment_displacements_mm) sum += d;
  return sum;
}

}  // namespace lookout::firmware::engineering
