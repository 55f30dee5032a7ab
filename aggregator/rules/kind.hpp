#pragma once
// What kind of rule an alarm comes from. A point has one alarm per kind, each with its own
// ISA-18.2 state: a value over a line, a loss of data and a sensor fault are different things.

#include <optional>
#include <string_view>

namespace lookout::aggregator {

enum class RuleKind {
  threshold,      ///< the value over or under a line
  rate,           ///< the rate of change over a window
  tangent_angle,  ///< the improved tangent-angle method (landslide displacement)
  accumulation,   ///< the sum over a window (rainfall)
  derived,        ///< a quantity computed from points and the installation record
  comm_loss,      ///< no reading for too long, or the gateway's last will
  sensor_fault,   ///< the device reports its sensing element or loop failed
  system_fault,   ///< the monitoring system's own equipment: a gateway whose outbox cannot take readings
};
std::string_view to_string(RuleKind k);
std::optional<RuleKind> rule_kind_from_string(std::string_view s);

}  // namespace lookout::aggregator
