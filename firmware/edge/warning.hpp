#pragma once
// A warning state at the edge: while a point is past a level, some devices are polled at
// their fast period, and an XJ-GN1 among them switches to fast-static (standards.md
// "Landslides": a system should sample faster by itself when a point is in a warning state;
// XJ-GN1.md: a solution at least every 30 min while the dam is in an abnormal state).

#include <optional>
#include <string>
#include <vector>

#include "firmware/edge/condition.hpp"
#include "firmware/edge/edge_event.hpp"

namespace lookout::firmware::edge {

struct WarningSpec {
  std::string name;
  Condition when;
  std::vector<std::string> devices;  ///< sped up while it holds; default: the point's own device
};

class Warning {
 public:
  explicit Warning(WarningSpec spec) : spec_(std::move(spec)) {}
  /// A reading of its point; an event when the warning starts or ends. A bad reading
  /// changes nothing: the devices keep the pace they have.
  std::optional<EdgeEvent> on_reading(const wire::Reading& reading);
  bool active() const { return active_; }
  const WarningSpec& spec() const { return spec_; }

 private:
  WarningSpec spec_;
  bool active_ = false;
};

}  // namespace lookout::firmware::edge
