#pragma once
// Time for the firmware, from outside: the firmware has no clock of its own.

#include <cstdint>

namespace lookout::firmware {

class Clock {
 public:
  virtual ~Clock() = default;
  /// [ms since 1970-01-01 UTC] wall time, for timestamps.
  virtual std::int64_t utc_ms() const = 0;
  /// [ms] monotonic time since an arbitrary start, for scheduling.
  virtual std::int64_t monotonic_ms() const = 0;
};

}  // namespace lookout::firmware
