#pragma once
// Turns one MQTT message into stored readings and alarm changes. No network, no clock:
// the caller hands in the topic, the payload and the time it arrived.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "aggregator/config.hpp"
#include "aggregator/store.hpp"
#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

struct IngestResult {
  enum class Outcome { accepted, duplicate, rejected, ignored } outcome = Outcome::ignored;
  std::string reason;                         ///< why rejected: what and where
  std::vector<wire::AlarmMessage> alarms;     ///< to publish, retained, in order
};

struct IngestCounters {
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t rejected = 0;
  std::uint64_t readings = 0;
};

class Ingest {
 public:
  /// Loads the alarm states kept in `store`, so alarms survive restarts.
  Ingest(const AggregatorConfig& config, Store& store);

  IngestResult handle(std::string_view topic, std::string_view payload, std::int64_t received_ms);

  const IngestCounters& counters() const { return counters_; }
  /// Every point's current alarm, as the retained topic shows it.
  std::vector<wire::AlarmMessage> current_alarms() const;

  /// The alarms as they stand, by point: what people act on (alarm_desk.hpp). Whoever
  /// changes one stores it first.
  std::map<PointKey, AlarmRecord>& alarm_book() { return alarms_; }
  const std::map<PointKey, AlarmRecord>& alarm_book() const { return alarms_; }
  /// The AlarmMessage of an alarm record, as the retained topic shows it.
  wire::AlarmMessage message_of(const AlarmRecord& a) const { return to_message(a); }

 private:
  IngestResult handle_readings(const wire::GatewayAddress& gw, std::string_view payload, std::int64_t received_ms);
  wire::AlarmMessage to_message(const AlarmRecord& a) const;

  const AggregatorConfig& config_;
  Store& store_;
  std::map<PointKey, AlarmRecord> alarms_;
  std::set<std::string> warned_;  ///< one log line per point for a unit mismatch
  IngestCounters counters_;
  std::int64_t last_alarm_id_ = 0;  ///< ids are never reused, across restarts too
};

}  // namespace lookout::aggregator
