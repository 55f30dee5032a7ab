#pragma once
// Where the aggregator keeps readings, live values and alarms. SQLite is the embedded
// default (sqlite_store.hpp); a PostgreSQL backend comes later behind the same interface.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aggregator/alarm.hpp"
#include "aggregator/rules/kind.hpp"
#include "firmware/wire/messages.hpp"
#include "firmware/wire/topics.hpp"

namespace lookout::aggregator {

struct PointKey {
  std::string enterprise;
  std::string site;
  std::string point;
  auto operator<=>(const PointKey&) const = default;
};

/// The latest reading of a point, with its level: what live status shows.
struct LatestValue {
  PointKey key;
  std::string gateway;
  wire::Reading reading;
  wire::Level level = wire::Level::normal;
};

/// One alarm: a point has one per rule kind, each with its own ISA-18.2 state.
struct AlarmKey {
  PointKey point;
  RuleKind kind = RuleKind::threshold;
  auto operator<=>(const AlarmKey&) const = default;
};

/// A point's alarm of one rule kind as it stands.
struct AlarmRecord {
  PointKey key;
  RuleKind kind = RuleKind::threshold;
  std::string quantity;
  Alarm alarm;
  std::optional<double> value;  ///< the reading that set the level
  std::string unit;
  std::int64_t ts_ms = 0;
  /// The change rose and cleared inside a backfilled batch: recorded, but notifications skip it.
  bool quiet = false;
  AlarmKey alarm_key() const { return {key, kind}; }
};

/// Batches a gateway numbered but the aggregator has not (yet) seen.
struct SequenceGap {
  wire::GatewayAddress gateway;
  std::uint64_t from_seq = 0;  ///< first missing
  std::uint64_t to_seq = 0;    ///< last missing
  std::int64_t seen_ms = 0;    ///< [ms UTC] when the batch after the gap arrived
  std::uint64_t missing = 0;   ///< how many of them are still missing (late batches fill gaps)
};

/// Hourly summary of a point's valid readings, kept after the raw readings are pruned.
struct HourlySummary {
  PointKey key;
  std::string quantity;
  std::string unit;
  std::int64_t hour_ms = 0;  ///< [ms UTC] start of the hour
  std::int64_t count = 0;
  double min = 0;
  double max = 0;
  double mean = 0;
};

struct PruneResult {
  std::int64_t readings_deleted = 0;
  std::int64_t hours_summarised = 0;  ///< hourly rows written or extended
  std::int64_t hours_deleted = 0;
};

/// One accepted batch and everything it changed, written in one transaction.
struct IngestRecord {
  wire::GatewayAddress gateway;
  const wire::ReadingsBatch* batch = nullptr;
  std::int64_t received_ms = 0;
  std::vector<wire::Level> levels;        ///< per reading: the point's level after it
  std::vector<AlarmRecord> alarm_changes;  ///< the alarms it moved, in order
  std::vector<SequenceGap> gaps;           ///< sequence gaps this batch revealed
};

class Store {
 public:
  virtual ~Store() = default;
  /// True when this gateway's batch with this sequence number is already stored.
  virtual bool has_batch(const wire::GatewayAddress& gateway, std::uint64_t seq) = 0;
  /// Stores a batch atomically: all of it, or (on an exception) none of it.
  virtual void ingest(const IngestRecord& record) = 0;
  virtual std::vector<LatestValue> latest() = 0;
  virtual std::vector<AlarmRecord> alarms() = 0;
  /// The highest batch sequence number stored for a gateway.
  virtual std::optional<std::uint64_t> max_seq(const wire::GatewayAddress& gateway) = 0;
  /// Every recorded sequence gap, newest first, with what is still missing of it.
  virtual std::vector<SequenceGap> sequence_gaps() = 0;
  /// Stores alarm changes that no batch brought (communication loss, a gateway's last will).
  virtual void record_alarms(const std::vector<AlarmRecord>& changes) = 0;
  /// Summarises raw readings older than raw_keep_ms into hourly rows, deletes them, and
  /// deletes hourly rows older than hourly_keep_ms; `now_ms` is the aggregator's clock.
  virtual PruneResult prune(std::int64_t now_ms, std::int64_t raw_keep_ms, std::int64_t hourly_keep_ms) = 0;
  virtual std::vector<HourlySummary> hourly(const PointKey& point) = 0;
};

}  // namespace lookout::aggregator
