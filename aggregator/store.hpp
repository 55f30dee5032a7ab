#pragma once
// Where the aggregator keeps readings, live values and alarms. SQLite is the embedded
// default (sqlite_store.hpp); a PostgreSQL backend comes later behind the same interface.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aggregator/alarm.hpp"
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

/// A point's alarm as it stands.
struct AlarmRecord {
  PointKey key;
  std::string quantity;
  Alarm alarm;
  std::optional<double> value;  ///< the reading that set the level
  std::string unit;
  std::int64_t ts_ms = 0;
};

/// One accepted batch and everything it changed, written in one transaction.
struct IngestRecord {
  wire::GatewayAddress gateway;
  const wire::ReadingsBatch* batch = nullptr;
  std::int64_t received_ms = 0;
  std::vector<wire::Level> levels;        ///< per reading: the point's level after it
  std::vector<AlarmRecord> alarm_changes;  ///< the alarms it moved, as they are now
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
};

}  // namespace lookout::aggregator
