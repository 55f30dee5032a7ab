#pragma once
// A latching level: once reached it stays until the condition has cleared AND a person
// resets it (煤矿安全规程: a methane power cut is restored only by hand, below the restore
// value). The reset is exposed so the HTTP API can offer it.

#include <cstdint>
#include <string>

#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

struct LatchState {
  bool latched = false;
  std::int64_t since_ms = 0;  ///< [ms UTC] when it latched
};

/// The level to show: the judged level, or at least `latch_at` while latched.
/// `latch_at` = normal means the rule does not latch.
wire::Level apply_latch(wire::Level latch_at, LatchState& state, wire::Level judged, std::int64_t ts_ms);

struct LatchReset {
  bool done = false;
  std::string reason;  ///< why refused
};

/// A person asks to reset. Refused while the judged level (with its hysteresis: for methane,
/// until below the restore value) still reaches the latch level.
LatchReset reset_latch(wire::Level latch_at, LatchState& state, wire::Level judged_now);

}  // namespace lookout::aggregator
