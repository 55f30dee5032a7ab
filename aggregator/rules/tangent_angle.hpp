#pragma once
// The improved tangent-angle method for landslide displacement (Xu Qiang): the cumulative
// displacement S(t) divided by the velocity of the uniform (constant-rate) stage gives
// T(t), in time units; alpha = arctan(dT/dt). alpha = 45 deg is uniform deformation; above it
// the slope accelerates. Default mapping (one published mapping, configurable):
// yellow 45-80 deg, orange 80-85 deg, red >= 85 deg.

#include <cstdint>
#include <string>

#include "aggregator/rules.hpp"
#include "aggregator/rules/rate.hpp"
#include "aggregator/rules/samples.hpp"

namespace lookout::aggregator {

struct TangentAngleRule {
  std::string name = "tangent_angle";
  std::string unit = "mm";            ///< the displacement readings' unit
  double uniform_rate = 0;            ///< [unit/d] velocity of the uniform stage, from the site's record
  std::int64_t window_ms = DAY_MS;    ///< [ms] over which dS/dt is taken
  std::int64_t min_span_ms = 0;       ///< [ms] less data than this: not judged
  ThresholdRule lines;                ///< on alpha [deg]
};

/// The default lines: yellow above 45, orange from 80, red from 85 [deg].
ThresholdRule default_tangent_angle_lines();

struct TangentAngleJudgement {
  bool judged = false;
  double angle_deg = 0;
  Level level = Level::normal;
  std::string note;
};

TangentAngleJudgement judge_tangent_angle(const TangentAngleRule& rule, const Samples& samples,
                                          std::int64_t as_of_ms, Level current);

}  // namespace lookout::aggregator
