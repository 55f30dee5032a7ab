#pragma once
// Readings the outbox could not take (its disk full or failing), held in memory in the
// order they were polled until it can, up to a bound: beyond it the oldest readings go
// first, and are counted. What devices keep (KeptState) waits with them and goes to the
// outbox with the last of them, never before its readings. Plain data: no disk, no clock.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "firmware/wire/reading.hpp"
#include "gateway/kept_state.hpp"

namespace lookout::gateway {

/// Readings for one outbox batch, as they were polled.
struct HeldBatch {
  std::int64_t created_ms = 0;  ///< [ms UTC] when the oldest of them was to go into the outbox
  std::vector<wire::Reading> readings;
  std::vector<KeptState> kept;  ///< with the last held readings only
};

class HeldReadings {
 public:
  /// `max_readings`: the bound, at least 1.
  explicit HeldReadings(std::size_t max_readings);

  /// One flush's readings (a batch as it would have gone into the outbox) and what devices
  /// keep after them; either may be empty. Drops the oldest readings beyond the bound.
  void hold(std::vector<wire::Reading> readings, std::int64_t created_ms, std::vector<KeptState> kept = {});
  /// The oldest held readings for one outbox batch: whole flushes, oldest first, merged
  /// while they come to at most `max_readings` (at least one flush, whatever its size), at
  /// the time of the first. It carries the kept states when it takes the last readings.
  /// Empty (no readings, no kept states) when nothing is held. They stay held until taken().
  HeldBatch next(std::size_t max_readings) const;
  /// The outbox took `batch`, which next() gave and nothing was held or dropped since.
  void taken(const HeldBatch& batch);

  bool empty() const { return flushes_.empty() && kept_.empty(); }
  /// Readings held now.
  std::size_t readings() const { return readings_; }
  std::size_t max_readings() const { return max_readings_; }
  /// Readings dropped at the bound, oldest first, since this was made.
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::size_t max_readings_;
  std::deque<HeldBatch> flushes_;          ///< oldest first; never an empty one
  std::map<std::string, KeptState> kept_;  ///< by device, the latest
  std::size_t readings_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace lookout::gateway
