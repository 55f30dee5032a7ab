#pragma once
// The gateway's edge safety: every interlock and warning of the site file, fed with every
// reading as it is polled. It decides what the output modules' coils should be and which
// devices run fast; the gateway carries that out on the buses (docs/config.md "Edge safety").
// Plain C++: no bus, no clock, no network.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/edge/interlock.hpp"
#include "firmware/edge/warning.hpp"

namespace lookout::firmware::edge {

/// The channel of an output module whose value 1 means its local reset button is pressed
/// (XJ-AR4 IR 0 bit0).
inline constexpr std::string_view RESET_BUTTON_CHANNEL = "reset_button";

class EdgeSafety {
 public:
  EdgeSafety() = default;
  EdgeSafety(std::vector<InterlockSpec> interlocks, std::vector<WarningSpec> warnings);

  /// Readings as they were polled; the events of what they changed, in order. A press of an
  /// output module's reset button (its reset_button reading going to 1) resets the
  /// interlocks that drive that module.
  std::vector<EdgeEvent> on_readings(const std::vector<wire::Reading>& readings);
  /// A reset command for one interlock by name, or for all of them with "".
  std::vector<EdgeEvent> reset(std::string_view name, std::string_view by, std::int64_t ts_ms);

  bool has_interlock(std::string_view name) const;
  bool empty() const { return interlocks_.empty() && warnings_.empty(); }
  /// Per output module, per coil it drives: energised or not.
  std::map<std::string, std::map<std::string, bool>> outputs() const;
  /// The devices a holding warning speeds up.
  std::set<std::string> fast_devices() const;
  /// Per interlock: "idle", "tripped" or "awaiting_reset", for the gateway's status.
  std::map<std::string, std::string> interlock_states() const;
  /// Tripped latching interlocks, to keep across restarts, and putting them back.
  std::vector<std::string> latched() const;
  void restore_latched(const std::vector<std::string>& names);

 private:
  std::vector<Interlock> interlocks_;
  std::vector<Warning> warnings_;
  std::map<std::string, bool> button_;  ///< per output module: its reset button as last read
};

}  // namespace lookout::firmware::edge
