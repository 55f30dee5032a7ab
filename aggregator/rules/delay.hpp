#pragma once
// On- and off-delays: a level is shown only after the judged level has held for a time.
// ISA-18.2 defaults (standards.md): level 60 s, pressure 15 s, temperature 60 s; none for gas.

#include <cstdint>

#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

struct Delays {
  std::int64_t on_ms = 0;   ///< [ms] a higher level must hold this long before it shows
  std::int64_t off_ms = 0;  ///< [ms] a lower level must hold this long before it shows
};

struct DelayState {
  wire::Level shown = wire::Level::normal;
  bool pending = false;
  wire::Level pending_level = wire::Level::normal;
  std::int64_t pending_since_ms = 0;  ///< [ms UTC] when the judged level first differed
};

/// The level to show after a judged level at `ts_ms` (the reading's time). With zero delays
/// it is the judged level at once.
wire::Level apply_delays(const Delays& delays, DelayState& state, wire::Level judged, std::int64_t ts_ms);

}  // namespace lookout::aggregator
