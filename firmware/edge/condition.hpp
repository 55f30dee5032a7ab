#pragma once
// A condition on one point with hysteresis: it holds from the reading that reaches its level
// until a reading passes back over its restore value (docs/config.md "Edge safety").

#include <optional>
#include <string>

#include "firmware/wire/reading.hpp"

namespace lookout::firmware::edge {

struct Condition {
  std::string point;    ///< "device.channel" on this gateway
  bool above = true;    ///< true: holds at value >= level; false: at value <= level
  double level = 0.0;   ///< where it starts to hold
  double restore = 0.0; ///< it holds until the value is below this (above) or above it (below)
};

/// Where a reading stands against a condition.
enum class Side {
  over,      ///< at or past the level
  between,   ///< between the restore value and the level: no change
  restored,  ///< past the restore value: the condition is over
  unknown,   ///< not a valid reading (bad quality), or a lower bound that cannot say
};

Side judge(const Condition& condition, const wire::Reading& reading);

/// "ch4-1.ch4 >= 1.5 (restore below 1.0)", for events and logs.
std::string describe(const Condition& condition);

}  // namespace lookout::firmware::edge
