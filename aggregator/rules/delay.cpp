#include "aggregator/rules/delay.hpp"

namespace lookout::aggregator {

wire::Level apply_delays(const Delays& delays, DelayState& s, wire::Level judged, std::int64_t ts_ms) {
  if (judged == s.shown) {
    s.pending = false;
    return s.shown;
  }
  if (!s.pending || s.pending_level != judged || ts_ms < s.pending_since_ms) {
    // A new candidate restarts the clock; a level that flickers never shows (the point of a
    // delay). So does a reading stamped before the wait began (its gateway's clock was set
    // back): waiting from its time, not until that clock is back where it was.
    s.pending = true;
    s.pending_level = judged;
    s.pending_since_ms = ts_ms;
  }
  const std::int64_t wait = judged > s.shown ? delays.on_ms : delays.off_ms;
  if (ts_ms - s.pending_since_ms >= wait) {
    s.shown = judged;
    s.pending = false;
  }
  return s.shown;
}

}  // namespace lookout::aggregator
