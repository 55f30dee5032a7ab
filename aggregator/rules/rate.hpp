#pragma once
// Rate of change over a window: displacement [mm/d], crack opening [mm/d], water rise [m/h].
// The rate is the change from the first value in the window to the value judged, over the
// time between them: a window of 24 h is the "24 h smoothed" rate of standards.md.

#include <cstdint>
#include <string>

#include "aggregator/rules.hpp"
#include "aggregator/rules/samples.hpp"

namespace lookout::aggregator {

inline constexpr std::int64_t HOUR_MS = 3'600'000;
inline constexpr std::int64_t DAY_MS = 24 * HOUR_MS;

struct RateRule {
  std::string name;                 ///< e.g. "default.crack_rate"
  std::string unit;                 ///< the readings' unit; others are not judged
  std::int64_t window_ms = DAY_MS;  ///< [ms] how far back the rate looks
  std::int64_t per_ms = DAY_MS;     ///< [ms] the rate is in unit per this (mm/d: DAY_MS)
  std::int64_t min_span_ms = 0;     ///< [ms] less data than this in the window: not judged
  ThresholdRule lines;              ///< on the rate, in unit per per_ms
  /// Levels at or above this one need the rate to be accelerating (the later half of the
  /// window faster than the earlier half); without acceleration the level stops one below.
  /// normal: no check.
  Level accelerating_from = Level::normal;
};

struct RateJudgement {
  bool judged = false;
  double rate = 0;  ///< [unit per per_ms]
  bool accelerating = false;
  Level level = Level::normal;
  std::string note;  ///< why not judged
};

/// Judges the window ending at `as_of_ms` (the reading's own time).
RateJudgement judge_rate(const RateRule& rule, const Samples& samples, std::int64_t as_of_ms, Level current);

}  // namespace lookout::aggregator
