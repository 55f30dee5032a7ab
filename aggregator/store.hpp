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

/// One line of an alarm's audit trail: who moved it, when, why, from what to what.
struct AlarmEvent {
  std::int64_t seq = 0;  ///< order of recording
  std::int64_t alarm_id = 0;
  PointKey key;
  std::int64_t ts_ms = 0;  ///< [ms UTC] the reading's time, or when the person acted
  std::string kind;        ///< event_kind() (alarm.hpp)
  wire::Level from_level = wire::Level::normal;
  wire::Level to_level = wire::Level::normal;
  AlarmState from_state = AlarmState::normal;
  AlarmState to_state = AlarmState::normal;
  std::string rule;
  std::optional<double> value;
  std::string who = "system";
  std::string comment;
};

/// A gateway as last heard of.
struct GatewayRecord {
  wire::GatewayAddress address;
  bool online = false;             ///< as its retained status (or last will) says
  std::int64_t last_seen_ms = 0;   ///< [ms UTC] when anything from it last arrived
  std::int64_t status_ms = 0;      ///< [ms UTC] when its last status arrived; 0: none yet
  std::string status_json;         ///< that status, as sent
};

/// One stored reading, with a cursor for the next page.
struct ReadingRow {
  wire::Reading reading;
  wire::Level level = wire::Level::normal;
  std::string gateway;
  std::int64_t received_ms = 0;
  std::int64_t row = 0;  ///< storage order; with ts_ms, the paging cursor
};

/// An API token as stored: never the token itself, only its SHA-256.
struct TokenRecord {
  std::int64_t id = 0;
  std::string name;
  std::string role;        ///< regulator, officer, engineer, admin (auth.hpp)
  std::string division;    ///< regulator: administrative division code prefix
  std::string enterprise;  ///< officer: the one enterprise
  std::int64_t created_ms = 0;
  std::int64_t revoked_ms = 0;  ///< 0 while valid
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

  // Alarms (issue #4): occurrences, actions by people, the audit trail.
  /// The highest alarm id ever given; ids are never reused.
  virtual std::int64_t last_alarm_id() = 0;
  /// Stores a person's (or a timer's) action on an alarm and its new state atomically.
  virtual void record_alarm_action(const AlarmRecord& now, const AlarmEvent& event) = 0;
  /// Every event of one alarm, oldest first.
  virtual std::vector<AlarmEvent> alarm_events(std::int64_t alarm_id) = 0;
  /// Ids of alarms with an event in [from_ms, to_ms], newest first, at most `limit`.
  virtual std::vector<std::int64_t> alarm_ids(std::int64_t from_ms, std::int64_t to_ms, int limit) = 0;

  /// One point's readings with from_ms <= ts_ms <= to_ms after the cursor (ts, row), in
  /// time order, at most `limit`.
  virtual std::vector<ReadingRow> readings(const PointKey& point, std::int64_t from_ms, std::int64_t to_ms,
                                           std::int64_t after_ts_ms, std::int64_t after_row, int limit) = 0;

  /// A gateway's retained status (validated) as it arrived.
  virtual void gateway_status(const wire::GatewayAddress& gateway, bool online, const std::string& status_json,
                              std::int64_t received_ms) = 0;
  virtual std::vector<GatewayRecord> gateways() = 0;

  // API tokens (auth.hpp); `hash` is the hex SHA-256 of the token.
  /// Returns the new token's id.
  virtual std::int64_t create_token(const TokenRecord& token, const std::string& hash) = 0;
  virtual std::vector<TokenRecord> tokens() = 0;
  /// False when there is no such valid token.
  virtual bool revoke_token(std::int64_t id, std::int64_t now_ms) = 0;
  /// The valid (not revoked) token with this hash.
  virtual std::optional<TokenRecord> token_by_hash(const std::string& hash) = 0;
};

}  // namespace lookout::aggregator
