#pragma once
// What the gateway's edge safety did, published on up/events (docs/protocol.md "Edge events").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lookout::firmware::edge {

struct EdgeEvent {
  std::string kind;     ///< "interlock" or "warning"
  std::string name;     ///< the interlock's or warning's name in the site file
  std::string action;   ///< interlock: tripped, released, awaiting_reset, reset, reset_refused;
                        ///< warning: started, ended
  std::string point;    ///< the point whose reading decided
  std::optional<double> value;  ///< that reading's value, when it had one
  std::string unit;
  std::int64_t ts_ms = 0;       ///< [ms UTC] the reading's time, or when a reset arrived
  std::string device;           ///< interlock: the output module; warning: ""
  std::vector<std::string> outputs;  ///< interlock: its coils; warning: the devices sped up
  std::string by;       ///< reset, reset_refused: "command" or "button"
  std::string detail;   ///< one line for people: why
};

}  // namespace lookout::firmware::edge

namespace lookout::firmware::edge {

/// The event as published on up/events: {"v":1,"gateway":..,"ts":..,"event":"interlock"|"warning",
/// "name":..,"action":..,"point":..,"value":..,"unit":..,"device":..,"outputs":[..],"by":..,"detail":..}.
std::string encode(const std::string& gateway, const EdgeEvent& event);

}  // namespace lookout::firmware::edge
