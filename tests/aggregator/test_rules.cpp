#include <doctest/doctest.h>

#include "aggregator/rules.hpp"

using namespace lookout::aggregator;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;
using lookout::wire::Reading;

namespace {

Reading methane(double v, Quality q = Quality::good, DeviceStatus s = DeviceStatus::ok) {
  return {"ch4-1.ch4", "methane", v, "%CH4", 1764100000000, q, s};
}

Level level_of(const ThresholdRule& r, const Reading& x, Level current = Level::normal) {
  return judge(r, x, current).level;
}

}  // namespace

TEST_SUITE("aggregator.rules") {
  TEST_CASE("methane at the working face: alarm at 1.0 - power cut at 1.5 - restore below 1.0") {
    const auto r = methane_rule(MethaneLocation::working_face);
    CHECK(level_of(r, methane(0.99)) == Level::normal);
    CHECK(level_of(r, methane(1.00)) == Level::orange);
    CHECK(level_of(r, methane(1.20)) == Level::orange);
    CHECK(level_of(r, methane(1.50)) == Level::red);
    // GIVEN a power cut WHEN methane falls to 1.2 THEN it holds until below 1.0
    CHECK(level_of(r, methane(1.20), Level::red) == Level::red);
    CHECK(level_of(r, methane(1.00), Level::red) == Level::red);
    CHECK(level_of(r, methane(0.99), Level::red) == Level::normal);
    CHECK(level_of(r, methane(0.40), Level::orange) == Level::normal);
  }

  TEST_CASE("methane at other locations") {
    CHECK(level_of(methane_rule(MethaneLocation::return_airway), methane(1.0)) == Level::red);
    CHECK(level_of(methane_rule(MethaneLocation::intake_airway), methane(0.5)) == Level::red);
    CHECK(level_of(methane_rule(MethaneLocation::intake_airway), methane(0.49)) == Level::normal);
    CHECK(level_of(methane_rule(MethaneLocation::drainage_roadway), methane(2.4)) == Level::normal);
    CHECK(level_of(methane_rule(MethaneLocation::drainage_roadway), methane(2.5)) == Level::red);
  }

  TEST_CASE("the methane rules are the standard's table the gateway's interlocks use") {
    // GIVEN the one table (firmware/methane_standard.hpp) THEN each location's rule is made of it
    for (const auto& f : lookout::firmware::METHANE_STANDARD) {
      CAPTURE(f.name);
      CHECK(methane_location_from_string(f.name) == f.location);
      CHECK(to_string(f.location) == f.name);
      const auto r = methane_rule(f.location);
      CHECK(r.name == "methane." + std::string(f.name));
      CHECK(r.unit == "%CH4");
      REQUIRE(r.above.size() == 2);
      CHECK(r.above[0].level == Level::red);
      CHECK(r.above[0].on == f.power_cut);
      CHECK(r.above[0].clear == f.restore);
      CHECK(r.above[1].level == Level::orange);
      CHECK(r.above[1].on == f.alarm);
      CHECK(r.above[1].clear == f.restore);
      CHECK(r.below.empty());
    }
    CHECK(!methane_location_from_string("upper_corner"));
  }

  TEST_CASE("over range is at least full scale: it raises the alarm") {
    const auto r = methane_rule(MethaneLocation::working_face);
    CHECK(level_of(r, methane(4.0, Quality::uncertain, DeviceStatus::over_range)) == Level::red);
  }

  TEST_CASE("invalid readings change nothing") {
    // GIVEN an orange alarm WHEN the sensor warms up, calibrates or goes offline THEN it stays
    const auto r = methane_rule(MethaneLocation::working_face);
    Reading x{"ch4-1.ch4", "methane", std::nullopt, "%CH4", 1, Quality::bad, DeviceStatus::calibration};
    const auto j = judge(r, x, Level::orange);
    CHECK(!j.judged);
    CHECK(j.level == Level::orange);
    CHECK(j.note.find("calibration") != std::string::npos);
  }

  TEST_CASE("GB/T 50493 toxic and combustible gases: level 1 orange - level 2 red") {
    const auto h2s = *default_rule("h2s");
    Reading x{"gd-1.gas", "h2s", 6.9, "ppm", 1, Quality::good, DeviceStatus::ok};
    CHECK(level_of(h2s, x) == Level::normal);
    x.value = 7.0;
    CHECK(level_of(h2s, x) == Level::orange);
    x.value = 14.0;
    CHECK(level_of(h2s, x) == Level::red);
    const auto lel = *default_rule("combustible");
    CHECK(level_of(lel, {"gd-2.gas", "combustible", 25.0, "%LEL", 1, Quality::good, DeviceStatus::ok}) ==
          Level::orange);
    CHECK(level_of(lel, {"gd-2.gas", "combustible", 50.0, "%LEL", 1, Quality::good, DeviceStatus::ok}) == Level::red);
    CHECK(level_of(*default_rule("co"), {"g.g", "co", 17.0, "ppm", 1, Quality::good, DeviceStatus::ok}) ==
          Level::orange);
    CHECK(level_of(*default_rule("nh3"), {"g.g", "nh3", 56.0, "ppm", 1, Quality::good, DeviceStatus::ok}) ==
          Level::red);
    CHECK(level_of(*default_rule("cl2"), {"g.g", "cl2", 0.34, "ppm", 1, Quality::good, DeviceStatus::ok}) ==
          Level::orange);
  }

  TEST_CASE("oxygen: below 19.5 or above 23.5 %VOL: over range proves only high") {
    const auto o2 = *default_rule("o2");
    Reading x{"gd-3.gas", "o2", 20.9, "%VOL", 1, Quality::good, DeviceStatus::ok};
    CHECK(level_of(o2, x) == Level::normal);
    x.value = 19.5;
    CHECK(level_of(o2, x) == Level::normal);
    x.value = 23.5;
    CHECK(level_of(o2, x) == Level::normal);
    x.value = 19.4;
    CHECK(level_of(o2, x) == Level::orange);
    x.value = 23.6;
    CHECK(level_of(o2, x) == Level::orange);
    x = {"gd-3.gas", "o2", 30.0, "%VOL", 1, Quality::uncertain, DeviceStatus::over_range};
    CHECK(level_of(o2, x) == Level::orange);
  }

  TEST_CASE("a reading in another unit is not judged") {
    const auto j = judge(*default_rule("h2s"), {"g.g", "h2s", 50.0, "%VOL", 1, Quality::good, DeviceStatus::ok},
                         Level::normal);
    CHECK(!j.judged);
  }

  TEST_CASE("no built-in rule for unknown quantities") {
    CHECK(!default_rule("temperature"));
    CHECK(default_rule("methane")->name == "methane.working_face");
  }
}
