#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "aggregator/rules/tangent_angle.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

/// Displacement growing at `rate` [mm/d] over the last day, after a long uniform stage.
Samples moving_at(double rate) {
  Samples s;
  for (int h = 0; h <= 24; ++h) s.add(T0 + h * HOUR_MS, 100.0 + rate * h / 24.0, 2 * DAY_MS);
  return s;
}

TangentAngleRule rule_with(double uniform_rate) {
  TangentAngleRule r;
  r.name = "tangent_angle";
  r.unit = "mm";
  r.uniform_rate = uniform_rate;
  r.lines = default_tangent_angle_lines();
  return r;
}
}  // namespace

TEST_SUITE("aggregator.rules.tangent_angle") {
  TEST_CASE("the tangent angle is arctan of the rate over the uniform-stage rate") {
    // GIVEN a uniform-stage velocity of 2 mm/d
    const auto rule = rule_with(2.0);
    const std::int64_t now = T0 + DAY_MS;
    // WHEN the slope moves at 2 mm/d THEN 45 deg: uniform deformation, no level
    auto j = judge_tangent_angle(rule, moving_at(2.0), now, Level::normal);
    REQUIRE(j.judged);
    CHECK(j.angle_deg == doctest::Approx(45.0));
    CHECK(j.level == Level::normal);
    // WHEN at 4 mm/d THEN atan(2) = 63.4 deg: yellow (initial acceleration)
    j = judge_tangent_angle(rule, moving_at(4.0), now, Level::normal);
    CHECK(j.angle_deg == doctest::Approx(63.43).epsilon(0.001));
    CHECK(j.level == Level::yellow);
    // WHEN at 2 * tan(82 deg) = 14.2 mm/d THEN orange
    j = judge_tangent_angle(rule, moving_at(2.0 * std::tan(82.0 * std::numbers::pi / 180.0)), now, Level::normal);
    CHECK(j.angle_deg == doctest::Approx(82.0));
    CHECK(j.level == Level::orange);
    // WHEN at 2 * tan(86 deg) = 28.6 mm/d THEN red (imminent)
    j = judge_tangent_angle(rule, moving_at(2.0 * std::tan(86.0 * std::numbers::pi / 180.0)), now, Level::normal);
    CHECK(j.level == Level::red);
  }

  TEST_CASE("the angle mapping is configurable") {
    auto rule = rule_with(2.0);
    rule.lines.above = {{Level::red, 70.0, 70.0}};
    CHECK(judge_tangent_angle(rule, moving_at(8.0), T0 + DAY_MS, Level::normal).level == Level::red);
  }

  TEST_CASE("without a uniform-stage velocity the method does not judge") {
    const auto j = judge_tangent_angle(rule_with(0.0), moving_at(50.0), T0 + DAY_MS, Level::normal);
    CHECK(!j.judged);
    CHECK(j.note.find("uniform-stage velocity") != std::string::npos);
  }
}
