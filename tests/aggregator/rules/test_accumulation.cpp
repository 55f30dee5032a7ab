#include <doctest/doctest.h>

#include "aggregator/rules/accumulation.hpp"
#include "aggregator/rules/defaults.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;
}

TEST_SUITE("aggregator.rules.accumulation") {
  TEST_CASE("rain of 50 mm in 24 h is yellow and rain older than the window no longer counts") {
    const auto rule = default_point_rules("rain").accumulations.at(0);
    Samples s;
    // GIVEN 2.5 mm every hour for 20 hours: 50 mm
    for (int h = 1; h <= 20; ++h) s.add(T0 + h * HOUR_MS, 2.5, 2 * DAY_MS);
    auto j = judge_accumulation(rule, s, T0 + 20 * HOUR_MS, Level::normal);
    CHECK(j.sum == doctest::Approx(50.0));
    CHECK(j.level == Level::yellow);
    // AND after 19 h it was 47.5 mm: blue (>= 25)
    CHECK(judge_accumulation(rule, s, T0 + 19 * HOUR_MS, Level::normal).level == Level::blue);
    // WHEN five dry hours pass (a zero reading each hour) THEN the first five hours leave the window
    for (int h = 21; h <= 25; ++h) s.add(T0 + h * HOUR_MS, 0.0, 2 * DAY_MS);
    j = judge_accumulation(rule, s, T0 + 25 * HOUR_MS, Level::normal);
    CHECK(j.sum == doctest::Approx(47.5));
    CHECK(j.level == Level::blue);
  }

  TEST_CASE("rainfall lines follow the standard from blue 25 to red 250 mm") {
    const auto rule = default_point_rules("rain").accumulations.at(0);
    for (const auto& [mm, level] : std::initializer_list<std::pair<double, Level>>{
             {24.9, Level::normal}, {25, Level::blue}, {99.9, Level::yellow}, {100, Level::orange}, {250, Level::red}}) {
      Samples s;
      s.add(T0, mm, DAY_MS);
      CHECK(judge_accumulation(rule, s, T0, Level::normal).level == level);
    }
  }

  TEST_CASE("a late rain reading counts in its own place in the window") {
    AccumulationRule one_hour{"rain_1h", "mm", HOUR_MS, {"rain_1h", "mm", {{Level::yellow, 20, 20}}, {}}};
    Samples s;
    s.add(T0 + 2 * HOUR_MS, 5.0, DAY_MS);
    // a backfilled 18 mm from 90 minutes earlier
    s.add(T0 + HOUR_MS / 2, 18.0, DAY_MS);
    CHECK(judge_accumulation(one_hour, s, T0 + 2 * HOUR_MS, Level::normal).sum == doctest::Approx(5.0));
    CHECK(judge_accumulation(one_hour, s, T0 + HOUR_MS, Level::normal).sum == doctest::Approx(18.0));
  }
}
