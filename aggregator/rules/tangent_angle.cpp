#include "aggregator/rules/tangent_angle.hpp"

#include <cmath>
#include <numbers>

namespace lookout::aggregator {

ThresholdRule default_tangent_angle_lines() {
  // 45 deg is the uniform stage itself: yellow starts strictly above it.
  const double above45 = std::nextafter(45.0, 90.0);
  return ThresholdRule{"tangent_angle", "deg",
                       {{Level::red, 85.0, 85.0}, {Level::orange, 80.0, 80.0}, {Level::yellow, above45, above45}},
                       {}};
}

TangentAngleJudgement judge_tangent_angle(const TangentAngleRule& rule, const Samples& samples,
                                          std::int64_t as_of_ms, Level current) {
  TangentAngleJudgement j;
  if (!(rule.uniform_rate > 0)) {
    j.note = "no uniform-stage velocity in the installation record";
    return j;
  }
  RateRule rate{rule.name, rule.unit, rule.window_ms, DAY_MS, rule.min_span_ms, {}, Level::normal};
  const auto r = judge_rate(rate, samples, as_of_ms, Level::normal);
  if (!r.judged) {
    j.note = r.note;
    return j;
  }
  // dT/dt = (dS/dt) / v, both per day: dimensionless.
  j.angle_deg = std::atan(r.rate / rule.uniform_rate) * 180.0 / std::numbers::pi;
  j.level = level_of(rule.lines, j.angle_deg, current);
  j.judged = true;
  return j;
}

}  // namespace lookout::aggregator
