#include "aggregator/rules/defaults.hpp"

#include <cmath>

namespace lookout::aggregator {
namespace {

/// Lines reached at value >= line, blue to red; a negative line is left out.
ThresholdRule above(std::string name, std::string unit, double blue, double yellow, double orange, double red) {
  ThresholdRule r{std::move(name), std::move(unit), {}, {}};
  const std::pair<Level, double> lines[] = {
      {Level::red, red}, {Level::orange, orange}, {Level::yellow, yellow}, {Level::blue, blue}};
  for (const auto& [level, line] : lines) {
    if (line >= 0) r.above.push_back({level, line, line});
  }
  return r;
}

/// "> x" where the standard says strictly more: one representable step above x.
double over(double x) { return std::nextafter(x, INFINITY); }

}  // namespace

ThresholdRule water_level_lines(double warning, double guarantee) {
  return above("water_level.station", "m", warning - 0.5, warning, guarantee, guarantee + 0.5);
}

PointRules default_point_rules(std::string_view quantity) {
  PointRules p;
  if (quantity == "methane") {
    // A power cut (red) latches until below the restore value and reset by a person.
    p.threshold = ThresholdSpec{methane_rule(MethaneLocation::working_face), {}, Level::red};
  } else if (auto gas = default_rule(quantity)) {
    p.threshold = ThresholdSpec{*gas, {}, Level::normal};  // gas: no delay, no deadband
  } else if (quantity == "rain") {
    // GB 39496 / landslide practice, 24 h: blue >= 25, yellow >= 50 (rainstorm), orange >= 100, red >= 250 [mm].
    p.accumulations.push_back({"default.rain_24h", "mm", DAY_MS, above("default.rain_24h", "mm", 25, 50, 100, 250)});
  } else if (quantity == "displacement_horizontal") {
    // Tailings-dam example (standards.md), 24 h smoothed: > 2, > 5, > 10, > 20 [mm/d]. Half a
    // window of data at least, or GNSS noise over a short span reads as a fast slide.
    p.rate = RateRule{"default.displacement_rate", "mm", DAY_MS, DAY_MS, DAY_MS / 2,
                      above("default.displacement_rate", "mm/d", over(2), over(5), over(10), over(20)), Level::normal};
  } else if (quantity == "crack_opening") {
    // Crack meters, practice: 1, 3, 10, 20 [mm/d]; orange and red only while accelerating.
    p.rate = RateRule{"default.crack_rate", "mm", DAY_MS, DAY_MS, DAY_MS / 2,
                      above("default.crack_rate", "mm/d", 1, 3, 10, 20), Level::orange};
  } else if (quantity == "water_level") {
    // Practice: a rise of 0.3 m/h or more is at least yellow. The level lines are the station's.
    p.rate = RateRule{"default.water_rise", "m", HOUR_MS, HOUR_MS, HOUR_MS / 2,
                      above("default.water_rise", "m/h", -1, 0.3, -1, -1), Level::normal};
  }
  return p;
}

}  // namespace lookout::aggregator
