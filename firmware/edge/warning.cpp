#include "firmware/edge/warning.hpp"

#include <sstream>

namespace lookout::firmware::edge {

std::optional<EdgeEvent> Warning::on_reading(const wire::Reading& r) {
  const Side side = judge(spec_.when, r);
  const bool was = active_;
  if (side == Side::over) active_ = true;
  if (side == Side::restored) active_ = false;
  if (was == active_) return std::nullopt;
  EdgeEvent e;
  e.kind = "warning";
  e.name = spec_.name;
  e.action = active_ ? "started" : "ended";
  e.point = spec_.when.point;
  e.value = r.value;
  e.unit = r.unit;
  e.ts_ms = r.ts_ms;
  e.outputs = spec_.devices;
  std::ostringstream d;
  d << (active_ ? "reached " : "past the restore value of ") << describe(spec_.when) << "; "
    << (active_ ? "fast polling for " : "normal polling for ");
  for (std::size_t i = 0; i < spec_.devices.size(); ++i) d << (i ? ", " : "") << spec_.devices[i];
  e.detail = d.str();
  return e;
}

}  // namespace lookout::firmware::edge
