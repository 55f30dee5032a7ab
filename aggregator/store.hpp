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

/// A derived point's value (rules/derived.hpp) that a batch's reading gave: stored as a
/// reading of that point (at the batch's enterprise and site), with its level.
struct DerivedValue {
  wire::Reading reading;  ///< point: the derived point's id; quantity: its kind; unit "m"
  wire::Level level = wire::Level::normal;
};

/// An alarm that a gateway's backfill under way has moved (Ingest's BackfillRun), kept so
/// that an aggregator restarted in the middle of a backfill still pages, at its end, what
/// stands then.
struct BackfillMark {
  wire::GatewayAddress gateway;
  AlarmKey alarm;
  wire::Level level_before = wire::Level::normal;  ///< the alarm's level when the run began
  bool rose = false;                               ///< it went up at some point in the run
  std::int64_t last_ms = 0;                        ///< [ms UTC] when the run's last batch arrived
};

/// The outbox a gateway's batches come from now (wire::ReadingsBatch::epoch): its batches
/// numbered below `since` are an earlier outbox's numbers, not this one's (docs/protocol.md
/// "A new outbox"); 0 when none are.
struct OutboxEpoch {
  std::uint64_t epoch = 0;
  std::uint64_t since = 0;
};

/// One accepted batch and everything it changed, written in one transaction.
struct IngestRecord {
  wire::GatewayAddress gateway;
  const wire::ReadingsBatch* batch = nullptr;
  std::int64_t received_ms = 0;
  std::vector<wire::Level> levels;        ///< per reading: the point's level after it
  std::vector<AlarmRecord> alarm_changes;  ///< the alarms it moved, in order
  std::vector<SequenceGap> gaps;           ///< sequence gaps this batch revealed
  std::vector<DerivedValue> derived;       ///< derived points' values, in order
  /// A backfilled batch: the alarms it moved, added to its gateway's run (a mark already
  /// kept keeps its level_before); the run's last_ms becomes received_ms.
  std::vector<BackfillMark> backfill_marks;
  /// A live batch that ended its gateway's backfill: the run's marks go.
  bool ends_backfill = false;
  /// The first batch from an outbox the gateway's record does not name: it is named now.
  std::optional<OutboxEpoch> new_epoch = std::nullopt;
};

/// One line of an alarm's audit trail: who moved it, when, why, from what to what.
struct AlarmEvent {
  std::int64_t seq = 0;  ///< order of recording
  std::int64_t alarm_id = 0;
  PointKey key;
  RuleKind kind = RuleKind::threshold;  ///< the alarm's rule kind (alarm_events.kind)
  std::int64_t ts_ms = 0;  ///< [ms UTC] the reading's time, or when the person acted
  std::string action;      ///< event_kind() (alarm.hpp): raised, acknowledged, ... (alarm_events.action)
  wire::Level from_level = wire::Level::normal;
  wire::Level to_level = wire::Level::normal;
  AlarmState from_state = AlarmState::normal;
  AlarmState to_state = AlarmState::normal;
  std::string rule;
  std::optional<double> value;
  std::string who = "system";
  std::string comment;
  bool quiet = false;  ///< inside a backfilled batch: not paged
};

/// The audit line of `after` (its alarm, key, kind, rule and value) moving from `before`;
/// who and comment are the caller's ("system" and none by default).
inline AlarmEvent audit_event(const Alarm& before, const AlarmRecord& after, std::string action, std::int64_t ts_ms) {
  AlarmEvent e;
  e.alarm_id = after.alarm.id;
  e.key = after.key;
  e.kind = after.kind;
  e.ts_ms = ts_ms;
  e.action = std::move(action);
  e.from_level = before.level;
  e.to_level = after.alarm.level;
  e.from_state = before.state;
  e.to_state = after.alarm.state;
  e.rule = after.alarm.rule;
  e.value = after.value;
  return e;
}

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
  /// The highest batch sequence number stored for a gateway.
  virtual std::optional<std::uint64_t> max_seq(const wire::GatewayAddress& gateway) = 0;
  /// The outbox a gateway's batches last came from; none before the first with an epoch.
  virtual std::optional<OutboxEpoch> outbox_epoch(const wire::GatewayAddress& gateway) = 0;
  /// Every recorded sequence gap, newest first, with what is still missing of it.
  virtual std::vector<SequenceGap> sequence_gaps() = 0;
  /// Stores alarm changes that no batch brought (communication loss, a gateway's last will).
  virtual void record_alarms(const std::vector<AlarmRecord>& changes) = 0;
  /// Summarises raw readings older than raw_keep_ms into hourly rows, deletes them, and
  /// deletes hourly rows older than hourly_keep_ms; `now_ms` is the aggregator's clock.
  virtual PruneResult prune(std::int64_t now_ms, std::int64_t raw_keep_ms, std::int64_t hourly_keep_ms) = 0;
  /// The backfills under way (IngestRecord::backfill_marks), as left before a restart.
  virtual std::vector<BackfillMark> backfill_marks() = 0;
  /// A gateway's backfill ended by silence: its marks go.
  virtual void end_backfill(const wire::GatewayAddress& gateway) = 0;
  virtual std::vector<HourlySummary> hourly(const PointKey& point) = 0;

  // Turns (issue #10): several operations in one transaction, one sync to disk for all.
  /// From here to commit_turn(), every operation is part of one transaction (each on its
  /// own savepoint: one that throws is undone alone).
  virtual void begin_turn() = 0;
  /// On disk when it returns; throws (and nothing of the turn is kept) when it cannot be.
  virtual void commit_turn() = 0;
  virtual void rollback_turn() noexcept = 0;

  /// Delivery (docs/protocol.md "Acknowledgements"): after a gateway's batch `seq` (stored
  /// now or before) whose sender keeps nothing older than `oldest` (0: not said), the
  /// highest seq up to which every batch of the gateway is stored or gone for good.
  virtual std::uint64_t advance_delivery(const wire::GatewayAddress& gateway, std::uint64_t oldest,
                                         std::uint64_t seq) = 0;
};

}  // namespace lookout::aggregator
