#pragma once
// A point's recent valid values in time order, for the windowed rules (rate, tangent angle,
// accumulation). Late (backfilled) values are put in their place, so a window is judged as
// of any reading's own time.

#include <cstdint>
#include <deque>
#include <optional>

namespace lookout::aggregator {

struct Sample {
  std::int64_t ts_ms = 0;  ///< [ms UTC] when measured
  double value = 0;
};

class Samples {
 public:
  /// Adds a value in time order and forgets values older than `keep_ms` before the newest.
  void add(std::int64_t ts_ms, double value, std::int64_t keep_ms);
  /// The first sample at or after `from_ms` and at or before `to_ms`, and the last one.
  std::optional<Sample> first_in(std::int64_t from_ms, std::int64_t to_ms) const;
  std::optional<Sample> last_at_or_before(std::int64_t to_ms) const;
  /// Sum of the values with from_ms < ts <= to_ms.
  double sum(std::int64_t from_ms, std::int64_t to_ms) const;
  std::size_t size() const { return samples_.size(); }

 private:
  std::deque<Sample> samples_;
};

}  // namespace lookout::aggregator
