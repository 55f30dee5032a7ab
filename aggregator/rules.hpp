#pragma once
// The rule engine: a reading and the point's current level in, the new level out.
// Plain C++: no clock, no I/O (style.md 6). Rules act on valid readings only.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "firmware/methane_standard.hpp"
#include "firmware/wire/messages.hpp"
#include "firmware/wire/reading.hpp"

namespace lookout::aggregator {

using wire::Level;

/// Where a coal-mine methane sensor sits; the figures are the standard's, from the table
/// the gateway's interlocks use too (firmware/methane_standard.hpp).
using firmware::MethaneLocation;
using firmware::methane_location_from_string;
using firmware::to_string;

/// One side of a threshold rule: per level an "on" line and a "clear" line.
struct LevelLine {
  Level level;
  double on;     ///< the level starts when the value reaches it
  double clear;  ///< the level holds until the value passes back over it
};

/// Levels for values above lines and/or below lines. Lines are kept sorted from red down.
struct ThresholdRule {
  std::string name;  ///< e.g. "methane.working_face", "gbt50493.h2s"
  std::string unit;  ///< the unit the lines are in; a reading in another unit is not judged
  std::vector<LevelLine> above;  ///< value >= on
  std::vector<LevelLine> below;  ///< value <= on
};

/// The result of judging one reading.
struct Judgement {
  Level level = Level::normal;
  std::string rule;           ///< which rule decided; empty when none applies
  bool judged = false;        ///< false: the reading was not valid, or no rule fits; level unchanged
  std::string note;           ///< why not judged, for logs
};

/// Judges a reading against a rule, given the level the point has now (for hysteresis).
/// An over-range reading is a lower bound: it can reach an "above" line, never a "below" one.
Judgement judge(const ThresholdRule& rule, const wire::Reading& reading, Level current);

/// The level a bare value reaches on a rule's lines, given the level now (for hysteresis).
/// `lower_bound`: the value is only a lower bound, so no "below" line can be proved.
Level level_of(const ThresholdRule& rule, double value, Level current, bool lower_bound = false);

/// The coal-mine methane rule for a location: alarm = orange, power cut = red, both held
/// until the value falls below the restore value.
ThresholdRule methane_rule(MethaneLocation location);

/// The built-in rule for a quantity (GB/T 50493-2019 gas levels, methane at the working
/// face), or nullopt when there is none.
std::optional<ThresholdRule> default_rule(std::string_view quantity);

}  // namespace lookout::aggregator
