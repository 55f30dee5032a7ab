#include "aggregator/rules.hpp"

#include <algorithm>
#include <cmath>

namespace lookout::aggregator {
namespace {

/// GB/T 50493-2019: level 1 and level 2 lines; level 1 = orange, level 2 = red (practice).
struct GasLines {
  std::string_view quantity;
  std::string_view unit;
  double level1;
  double level2;
};

constexpr std::array<GasLines, 5> GASES{{
    {"combustible", "%LEL", 25.0, 50.0},  // combustible gas: level 1 <= 25 %LEL, level 2 <= 50 %LEL
    {"h2s", "ppm", 7.0, 14.0},            // toxic: 100 % / 200 % OEL
    {"co", "ppm", 17.0, 34.0},
    {"nh3", "ppm", 28.0, 56.0},
    {"cl2", "ppm", 0.34, 0.68},
}};

// Oxygen: alarm below 19.5 %VOL and above 23.5 %VOL (GB/T 50493-2019).
constexpr double O2_LOW = 19.5;
constexpr double O2_HIGH = 23.5;

void sort_lines(ThresholdRule& r) {
  const auto by_level = [](const LevelLine& a, const LevelLine& b) { return a.level > b.level; };
  std::sort(r.above.begin(), r.above.end(), by_level);
  std::sort(r.below.begin(), r.below.end(), by_level);
}

/// The highest level whose line is reached, or held by hysteresis.
Level side_level(const std::vector<LevelLine>& lines, double value, Level current, bool above) {
  for (const auto& l : lines) {
    const bool on = above ? value >= l.on : value <= l.on;
    const bool held = current >= l.level && (above ? value >= l.clear : value <= l.clear);
    if (on || held) return l.level;
  }
  return Level::normal;
}

}  // namespace

Judgement judge(const ThresholdRule& rule, const wire::Reading& reading, Level current) {
  Judgement j;
  j.rule = rule.name;
  if (!reading.is_valid()) {
    j.note = "not a valid measurement (" + std::string(wire::to_string(reading.quality)) + ", " +
             std::string(wire::to_string(reading.status)) + ")";
    j.level = current;
    return j;
  }
  if (reading.unit != rule.unit) {
    j.note = "unit " + reading.unit + " does not match rule " + rule.name + " in " + rule.unit;
    j.level = current;
    return j;
  }
  j.level = level_of(rule, *reading.value, current, reading.is_lower_bound());
  j.judged = true;
  return j;
}

Level level_of(const ThresholdRule& rule, double value, Level current, bool lower_bound) {
  const Level high = side_level(rule.above, value, current, true);
  // A lower bound says nothing about being below a line: keep only what it proves.
  const Level low = lower_bound ? Level::normal : side_level(rule.below, value, current, false);
  return std::max(high, low);
}

ThresholdRule methane_rule(MethaneLocation location) {
  const auto& m = firmware::methane_figures(location);
  ThresholdRule r{"methane." + std::string(m.name), std::string(firmware::METHANE_UNIT), {}, {}};
  r.above.push_back({Level::orange, m.alarm, m.restore});
  r.above.push_back({Level::red, m.power_cut, m.restore});
  sort_lines(r);
  return r;
}

std::optional<ThresholdRule> default_rule(std::string_view quantity) {
  if (quantity == "methane") return methane_rule(MethaneLocation::working_face);
  if (quantity == "o2") {
    // Gas alarms take no deadband and no delay (standards.md "Gas"). "Below 19.5" and
    // "above 23.5" are strict: the lines sit one representable step inside.
    const double high = std::nextafter(O2_HIGH, 100.0);
    const double low = std::nextafter(O2_LOW, 0.0);
    return ThresholdRule{"gbt50493.o2", "%VOL", {{Level::orange, high, high}}, {{Level::orange, low, low}}};
  }
  for (const auto& g : GASES) {
    if (g.quantity != quantity) continue;
    ThresholdRule r{"gbt50493." + std::string(g.quantity), std::string(g.unit), {}, {}};
    r.above.push_back({Level::red, g.level2, g.level2});
    r.above.push_back({Level::orange, g.level1, g.level1});
    return r;
  }
  return std::nullopt;
}

}  // namespace lookout::aggregator
