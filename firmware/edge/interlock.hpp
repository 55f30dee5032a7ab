#pragma once
// One edge interlock: a condition on a point drives coils of an output module (XJ-AR4),
// on the gateway, without the network. A latching interlock (a methane power cut) stays
// tripped until the value is past its restore value AND a person resets it (standards.md
// "Coal-mine methane"). Plain C++: time comes with the readings.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/edge/condition.hpp"
#include "firmware/edge/edge_event.hpp"
#include "firmware/methane_standard.hpp"

namespace lookout::firmware::edge {

struct InterlockSpec {
  std::string name;
  Condition when;
  std::string device;                ///< the output module's device name
  std::vector<std::string> outputs;  ///< its coils to energise, by name ("siren", "power_cut")
  bool latch = false;                ///< needs a reset after the value is restored
  bool trip_on_bad = false;          ///< a bad reading of the point (offline, sensor fault) trips it too
  /// A methane interlock's location: its figures default to the standard's for it and are
  /// checked against them (firmware/methane_standard.hpp).
  std::optional<MethaneLocation> location;
};

class Interlock {
 public:
  explicit Interlock(InterlockSpec spec) : spec_(std::move(spec)) {}

  /// A reading of the interlock's point; an event when the interlock changes.
  std::optional<EdgeEvent> on_reading(const wire::Reading& reading);
  /// A reset from a person (`by`: "command" or "button") at `ts_ms`: releases a tripped
  /// latching interlock whose last reading was past the restore value; refuses otherwise.
  /// Nothing when the interlock is not tripped or does not latch.
  std::optional<EdgeEvent> reset(std::string_view by, std::int64_t ts_ms);

  /// True while its outputs should be energised.
  bool tripped() const { return tripped_; }
  /// Tripped, latching, and its point is past the restore value: only a reset is missing.
  bool awaiting_reset() const { return tripped_ && spec_.latch && restored_; }
  /// After a restart: a latched interlock comes back tripped until it is reset.
  void restore_tripped() { tripped_ = true; restored_ = false; }
  const InterlockSpec& spec() const { return spec_; }

 private:
  EdgeEvent event(std::string action, const wire::Reading* reading, std::int64_t ts_ms, std::string detail) const;

  InterlockSpec spec_;
  bool tripped_ = false;
  bool restored_ = false;  ///< the latest reading was valid and past the restore value
};

}  // namespace lookout::firmware::edge
