#include <doctest/doctest.h>

#include "aggregator/rules/defaults.hpp"
#include "aggregator/rules/rate.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

/// A crack opening that grows by `per_day[i]` [mm/d] in each of the samples' quarter-days.
Samples series(std::initializer_list<double> opening, std::int64_t step_ms) {
  Samples s;
  std::int64_t t = T0;
  for (double v : opening) {
    s.add(t, v, 10 * DAY_MS);
    t += step_ms;
  }
  return s;
}
}  // namespace

TEST_SUITE("aggregator.rules.rate") {
  TEST_CASE("crack meter rate in mm per day maps to blue - yellow - orange - red") {
    const RateRule rule = *default_point_rules("crack_opening").rate;
    // GIVEN 2 mm over one day at a steady pace WHEN judged THEN 2 mm/d is blue
    auto s = series({0.0, 0.5, 1.0, 1.5, 2.0}, DAY_MS / 4);
    auto j = judge_rate(rule, s, T0 + DAY_MS, Level::normal);
    REQUIRE(j.judged);
    CHECK(j.rate == doctest::Approx(2.0));
    CHECK(j.level == Level::blue);
    // GIVEN 5 mm/d steady THEN yellow
    s = series({0.0, 1.25, 2.5, 3.75, 5.0}, DAY_MS / 4);
    CHECK(judge_rate(rule, s, T0 + DAY_MS, Level::normal).level == Level::yellow);
    // GIVEN 25 mm/d and accelerating (the later half faster) THEN red
    s = series({0.0, 2.0, 5.0, 12.0, 25.0}, DAY_MS / 4);
    j = judge_rate(rule, s, T0 + DAY_MS, Level::normal);
    CHECK(j.rate == doctest::Approx(25.0));
    CHECK(j.accelerating);
    CHECK(j.level == Level::red);
  }

  TEST_CASE("a fast crack that is not accelerating stops at yellow") {
    const RateRule rule = *default_point_rules("crack_opening").rate;
    // GIVEN 25 mm/d but decelerating (most of it in the first half)
    const auto s = series({0.0, 13.0, 20.0, 23.0, 25.0}, DAY_MS / 4);
    const auto j = judge_rate(rule, s, T0 + DAY_MS, Level::normal);
    CHECK(j.rate == doctest::Approx(25.0));
    CHECK(!j.accelerating);
    CHECK(j.level == Level::yellow);
  }

  TEST_CASE("too little data in the window is not judged") {
    const RateRule rule = *default_point_rules("displacement_horizontal").rate;
    // GIVEN two GNSS epochs 30 min apart with 1 mm of noise: 48 mm/d if judged, but half a day is needed
    Samples s;
    s.add(T0, 10.0, DAY_MS);
    s.add(T0 + 1'800'000, 11.0, DAY_MS);
    const auto j = judge_rate(rule, s, T0 + 1'800'000, Level::normal);
    CHECK(!j.judged);
    CHECK(j.note == "not enough data in the window");
  }

  TEST_CASE("water rising 0.3 m per hour is yellow and the window looks back one hour only") {
    const RateRule rule = *default_point_rules("water_level").rate;
    Samples s;
    // GIVEN a level steady for hours then rising 0.4 m in the last hour
    for (int i = 0; i <= 12; ++i) s.add(T0 + i * 600'000, 38.0, DAY_MS);
    for (int i = 1; i <= 6; ++i) s.add(T0 + 12 * 600'000 + i * 600'000, 38.0 + 0.4 * i / 6.0, DAY_MS);
    const std::int64_t now = T0 + 18 * 600'000;
    const auto j = judge_rate(rule, s, now, Level::normal);
    REQUIRE(j.judged);
    CHECK(j.rate == doctest::Approx(0.4));
    CHECK(j.level == Level::yellow);
    // AND as of an hour earlier (a backfilled reading's own time) it was steady
    CHECK(judge_rate(rule, s, now - HOUR_MS, Level::normal).level == Level::normal);
  }

  TEST_CASE("displacement rate lines are strict: exactly 5 mm per day is blue") {
    const RateRule rule = *default_point_rules("displacement_horizontal").rate;
    const auto s = series({0.0, 2.5, 5.0}, DAY_MS / 2);
    CHECK(judge_rate(rule, s, T0 + DAY_MS, Level::normal).level == Level::blue);
  }
}
