#include <doctest/doctest.h>

#include "aggregator/rules/defaults.hpp"
#include "aggregator/rules/point_rules.hpp"

using namespace lookout::aggregator;
using lookout::wire::DeviceStatus;
using lookout::wire::Level;
using lookout::wire::Quality;
using lookout::wire::Reading;

namespace {
constexpr std::int64_t T0 = 1'764'000'000'000;

Reading good(const char* quantity, const char* unit, double v, std::int64_t ts) {
  return Reading{"p-1.x", quantity, v, unit, ts, Quality::good, DeviceStatus::ok};
}

std::optional<KindLevel> of(const Evaluation& e, RuleKind k) {
  for (const auto& l : e.levels) {
    if (l.kind == k) return l;
  }
  return std::nullopt;
}
}  // namespace

TEST_SUITE("aggregator.rules.point_rules") {
  TEST_CASE("methane power cut latches at red until a person resets it below the restore value") {
    const auto rules = default_point_rules("methane");
    PointState s;
    // GIVEN 1.6 %CH4 at the working face THEN red at once (no on-delay for gas)
    auto e = evaluate(rules, s, good("methane", "%CH4", 1.6, T0), T0);
    CHECK(of(e, RuleKind::threshold)->level == Level::red);
    // WHEN it falls to 0.3 THEN still red: the power cut is latched
    e = evaluate(rules, s, good("methane", "%CH4", 0.3, T0 + 2000), T0 + 2000);
    CHECK(of(e, RuleKind::threshold)->level == Level::red);
    // WHEN a person resets it THEN the next reading shows normal
    CHECK(reset_latch(rules.threshold->latch_at, s.latch, s.threshold_judged).done);
    e = evaluate(rules, s, good("methane", "%CH4", 0.3, T0 + 4000), T0 + 4000);
    CHECK(of(e, RuleKind::threshold)->level == Level::normal);
  }

  TEST_CASE("a bad reading moves no process alarm but a fault status raises the fault alarm") {
    const auto rules = default_point_rules("h2s");
    PointState s;
    auto e = evaluate(rules, s, good("h2s", "ppm", 8, T0), T0);
    CHECK(of(e, RuleKind::threshold)->level == Level::orange);
    CHECK(of(e, RuleKind::sensor_fault)->level == Level::normal);
    // WHEN the sensor fails THEN no threshold verdict (it keeps orange) and a fault alarm
    e = evaluate(rules, s, Reading{"p-1.x", "h2s", std::nullopt, "ppm", T0 + 1000, Quality::bad,
                                   DeviceStatus::sensor_fault},
                 T0 + 1000);
    CHECK(!of(e, RuleKind::threshold));
    CHECK(of(e, RuleKind::sensor_fault)->level == Level::yellow);
    CHECK(e.note.find("sensor_fault") != std::string::npos);
  }

  TEST_CASE("threshold on-delay - off-delay and deadband together") {
    PointRules rules;
    // GIVEN a water level: yellow at 38.0 m with 0.1 m deadband and 60 s on / 30 s off
    rules.threshold = ThresholdSpec{ThresholdRule{"config.water_level", "m", {{Level::yellow, 38.0, 37.9}}, {}},
                                    Delays{60'000, 30'000}, Level::normal};
    PointState s;
    const auto at = [&](double v, std::int64_t t) {
      return of(evaluate(rules, s, good("water_level", "m", v, T0 + t), T0 + t), RuleKind::threshold)->level;
    };
    CHECK(at(38.1, 0) == Level::normal);
    CHECK(at(38.1, 59'000) == Level::normal);
    CHECK(at(38.1, 60'000) == Level::yellow);
    // 37.95 is inside the deadband: still yellow with no off-delay clock
    CHECK(at(37.95, 70'000) == Level::yellow);
    CHECK(at(37.85, 80'000) == Level::yellow);   // below the deadband: off-delay starts
    CHECK(at(37.85, 110'000) == Level::normal);  // held 30 s
  }

  TEST_CASE("a reading older than one already judged is kept for the windows but moves no alarm") {
    const auto rules = default_point_rules("rain");
    PointState s;
    auto e = evaluate(rules, s, good("rain", "mm", 30, T0 + HOUR_MS), T0 + HOUR_MS);
    CHECK(of(e, RuleKind::accumulation)->level == Level::blue);
    // a late 25 mm from before: in the window from now on, no verdict of its own
    e = evaluate(rules, s, good("rain", "mm", 25, T0), T0 + 2 * HOUR_MS);
    CHECK(!e.in_order);
    CHECK(e.levels.empty());
    e = evaluate(rules, s, good("rain", "mm", 0, T0 + 2 * HOUR_MS), T0 + 2 * HOUR_MS);
    CHECK(of(e, RuleKind::accumulation)->value == doctest::Approx(55.0));
    CHECK(of(e, RuleKind::accumulation)->level == Level::yellow);
  }

  TEST_CASE("a later batch is judged even when its gateway's clock was set back - an earlier batch is not") {
    const auto rules = default_point_rules("methane");
    PointState s;
    // GIVEN batch 10 stamped a day ahead (a clock set wrong), judged
    auto e = evaluate(rules, s, good("methane", "%CH4", 0.3, T0 + 86'400'000), T0, 10);
    CHECK(e.in_order);
    // WHEN the clock is put right and batch 11 brings 1.2 %CH4 at the true time THEN it is
    // judged: orange, though its time is a day before the last one's
    e = evaluate(rules, s, good("methane", "%CH4", 1.2, T0 + 1000), T0 + 1000, 11);
    CHECK(e.in_order);
    REQUIRE(of(e, RuleKind::threshold));
    CHECK(of(e, RuleKind::threshold)->level == Level::orange);
    // AND a batch numbered before it (a late backfill), at whatever time, moves no alarm
    e = evaluate(rules, s, good("methane", "%CH4", 0.1, T0 + 2000), T0 + 2000, 9);
    CHECK(!e.in_order);
    CHECK(e.levels.empty());
    // AND within one batch the times tell the order
    e = evaluate(rules, s, good("methane", "%CH4", 0.2, T0 + 500), T0 + 2000, 11);
    CHECK(!e.in_order);
  }

  TEST_CASE("one accumulation alarm from the highest of the 1 h and 24 h windows") {
    auto rules = default_point_rules("rain");
    rules.accumulations.push_back(
        {"config.rain_1h", "mm", HOUR_MS, ThresholdRule{"config.rain_1h", "mm", {{Level::orange, 30, 30}}, {}}});
    PointState s;
    const auto e = evaluate(rules, s, good("rain", "mm", 32, T0), T0);
    const auto a = of(e, RuleKind::accumulation);
    CHECK(a->level == Level::orange);
    CHECK(a->rule == "config.rain_1h");
  }

  TEST_CASE("comm loss is seen from readings of any quality except a device that does not answer") {
    const auto rules = default_point_rules("h2s");
    PointState s;
    // GIVEN one answered reading, then the gateway reports the device offline every second
    evaluate(rules, s, good("h2s", "ppm", 1, T0), T0);
    for (std::int64_t t = T0 + 1000; t <= T0 + 20'000; t += 1000) {
      evaluate(rules, s, Reading{"p-1.x", "h2s", std::nullopt, "ppm", t, Quality::bad, DeviceStatus::offline}, t);
    }
    // THEN the reports taught the period (1 s) but did not end the silence: lost after the 10 s floor
    CHECK(s.comm.last_received_ms == T0);
    CHECK(poll_period_ms(rules.comm, s.comm) == 1000);
    CHECK(judge_comm(rules.comm, s.comm, T0 + 10'000).level == Level::normal);
    CHECK(judge_comm(rules.comm, s.comm, T0 + 20'000).level == Level::yellow);
  }

  TEST_CASE("every quantity in standards.md has a default rule set") {
    for (const char* q : {"methane", "combustible", "h2s", "co", "nh3", "cl2", "o2"}) {
      CAPTURE(q);
      CHECK(default_point_rules(q).threshold.has_value());
    }
    CHECK(default_point_rules("methane").threshold->latch_at == Level::red);
    CHECK(default_point_rules("h2s").threshold->delays.on_ms == 0);
    CHECK(default_point_rules("rain").accumulations.size() == 1);
    CHECK(default_point_rules("crack_opening").rate->accelerating_from == Level::orange);
    CHECK(default_point_rules("displacement_horizontal").rate.has_value());
    CHECK(default_point_rules("water_level").rate.has_value());
    const auto w = water_level_lines(38.0, 39.5);  // Xiangtan
    CHECK(level_of(w, 37.5, Level::normal) == Level::blue);
    CHECK(level_of(w, 38.0, Level::normal) == Level::yellow);
    CHECK(level_of(w, 39.5, Level::normal) == Level::orange);
    CHECK(level_of(w, 40.0, Level::normal) == Level::red);
  }
}
