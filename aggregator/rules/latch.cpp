#include "aggregator/rules/latch.hpp"

#include <algorithm>

namespace lookout::aggregator {

wire::Level apply_latch(wire::Level latch_at, LatchState& s, wire::Level judged, std::int64_t ts_ms) {
  if (latch_at == wire::Level::normal) return judged;
  if (!s.latched && judged >= latch_at) {
    s.latched = true;
    s.since_ms = ts_ms;
  }
  return s.latched ? std::max(judged, latch_at) : judged;
}

LatchReset reset_latch(wire::Level latch_at, LatchState& s, wire::Level judged_now) {
  if (!s.latched) return {false, "not latched"};
  if (judged_now >= latch_at) {
    return {false, "the condition still holds (" + std::string(wire::to_string(judged_now)) +
                       "): it can be reset only once the value is below its restore line"};
  }
  s.latched = false;
  return {true, ""};
}

}  // namespace lookout::aggregator
