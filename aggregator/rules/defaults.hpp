#pragma once
// The built-in rule set of every quantity in standards.md. Each figure is a default a site's
// configuration can override; where it is practice rather than a standard's text it says so.

#include <string_view>

#include "aggregator/rules/point_rules.hpp"

namespace lookout::aggregator {

/// The built-in rules of a quantity (comm loss and sensor fault for every quantity).
/// Quantities whose lines come only from a site's design (water level, phreatic depth,
/// freeboard, dry beach) get no threshold here: configure them.
PointRules default_point_rules(std::string_view quantity);

/// Water-level lines from a station's warning and guarantee levels [m] (standards.md
/// "Water level"): blue at warning - 0.5, yellow at warning, orange at guarantee, red at
/// guarantee + 0.5.
ThresholdRule water_level_lines(double warning, double guarantee);

}  // namespace lookout::aggregator
