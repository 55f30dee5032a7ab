#pragma once
// Turns one MQTT message into stored readings and alarm changes. No network, no clock:
// the caller hands in the topic, the payload and the time it arrived, and calls tick(now)
// now and then so that silence (communication loss) is noticed.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "aggregator/config.hpp"
#include "aggregator/rules/latch.hpp"
#include "aggregator/rules/point_rules.hpp"
#include "aggregator/store.hpp"
#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

/// What to tell a gateway on its down/ack once the transaction holding its batch is on disk.
struct Delivery {
  wire::GatewayAddress gateway;
  wire::DeliveryAck ack;
};

struct IngestResult {
  /// renumber: a batch from a new outbox of its gateway under a seq already used; nothing
  /// stored, the gateway asked to number after what is (docs/protocol.md "A new outbox").
  enum class Outcome { accepted, duplicate, renumber, rejected, ignored } outcome = Outcome::ignored;
  std::string reason;                         ///< why rejected: what and where
  std::vector<wire::AlarmMessage> alarms;     ///< to publish, retained, in order; page = false: do not notify
  std::optional<Delivery> delivery;           ///< a readings batch accepted or already stored
};

/// One quantity of a site, rolled up from its points (GB 39496 5.5.4).
struct QuantityRollup {
  std::string quantity;
  wire::Level level = wire::Level::normal;    ///< after the roll-up counts
  wire::Level highest = wire::Level::normal;  ///< the highest single point's level
  int points = 0;                             ///< points of the quantity at the site
};

/// A site's level from its quantities', each from its points' process alarms.
struct SiteRollup {
  std::string enterprise;
  std::string site;
  wire::Level level = wire::Level::normal;
  std::vector<QuantityRollup> quantities;  ///< by quantity name
};

struct IngestCounters {
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t renumbered = 0;  ///< batches answered with renumber_after
  std::uint64_t rejected = 0;
  std::uint64_t readings = 0;
  std::uint64_t gaps = 0;  ///< sequence gaps seen
};

/// The answer to a person's latch reset.
struct LatchResetResult {
  bool done = false;
  std::string reason;                      ///< why refused
  std::vector<wire::AlarmMessage> alarms;  ///< what the reset changed, to publish
  std::optional<AlarmEvent> event;         ///< with `who`: the audit event recorded
};

/// The point of the alarm that says the aggregator's own database refuses writes, at each
/// site (Ingest::own_storage).
constexpr const char* OWN_STORAGE_POINT = "aggregator.storage";

/// How far [ms] the newest reading of a live batch may be from the aggregator's clock before
/// its gateway's clock is flagged (a system_fault on "{gateway}.clock"): far above the offset
/// of a clock kept by NTP (milliseconds) or a free-running one's drift in a day (seconds),
/// and above how long a live batch takes to arrive (a publish interval and the network).
constexpr std::int64_t CLOCK_TOLERANCE_MS = 120'000;

/// A gateway's backfill ends with its first live batch, or when no backfilled batch has come
/// from it for this long [ms].
constexpr std::int64_t BACKFILL_END_MS = 10'000;

class Ingest {
 public:
  /// Loads the alarm states kept in `store`, so alarms (and latches) survive restarts.
  Ingest(const AggregatorConfig& config, Store& store);
  /// Forgets what is not in the store and loads it again, as a restart would: after a
  /// transaction that held changes made here could not be committed.
  void reload();

  IngestResult handle(std::string_view topic, std::string_view payload, std::int64_t received_ms);
  /// The aggregator's own database refuses writes (`fault`) or takes them again: a yellow
  /// system_fault alarm on the point OWN_STORAGE_POINT of every site known, whose readings
  /// are refused meanwhile (their gateways keep them), so no rule here judges them. While
  /// the database refuses, the alarm lives in memory only and reload() keeps it; once
  /// `fault` is false its changes are stored (kept for the next call if that fails too).
  /// Returns the changes, to publish.
  std::vector<wire::AlarmMessage> own_storage(bool fault, std::int64_t now_ms);
  /// Since when [ms UTC] the session that receives the gateways' messages has been connected
  /// without a break; 0 while it is not. Until it has been up for CLOCK_TOLERANCE_MS, a
  /// batch may have waited in the broker for it, so no clock is judged behind.
  void listener_up_since(std::int64_t ms) { listener_up_since_ms_ = ms; }
  /// Judges communication loss at `now_ms` [ms UTC, aggregator's clock], and ends the
  /// backfills that have been silent for BACKFILL_END_MS; returns the changes.
  std::vector<wire::AlarmMessage> tick(std::int64_t now_ms);
  /// A person resets a latched alarm (a methane power cut) of a point's threshold rule.
  /// With `who` (a person, via the HTTP API) the change is audited as `latch_reset` with
  /// who and comment, in one event; without, as a plain level change by the system.
  LatchResetResult reset_latch(const PointKey& point, std::int64_t now_ms, const std::string& who = "",
                               const std::string& comment = "");

  const IngestCounters& counters() const { return counters_; }
  /// Every alarm as it stands, as the retained topics show them.
  std::vector<wire::AlarmMessage> current_alarms() const;
  /// What notifications have told of each alarm, to seed the notifier at start: every
  /// alarm as it stands, but one that a backfill under way has moved at its level from
  /// before that backfill (its end pages what stands, if anything).
  std::vector<wire::AlarmMessage> alarms_as_told() const;
  /// A site's level (GB 39496 5.5.4): each quantity rolled up from its points' process
  /// alarms (threshold, rate, tangent angle, accumulation, derived), then the highest.
  wire::Level site_level(std::string_view enterprise, std::string_view site) const;
  /// How live status should read a point's level: `derived` when it is a `[[derived]]`
  /// point computed here; `judged` when some process rule (threshold, rate, tangent angle,
  /// accumulation, derived) sets its level. A point nothing judges is "normal" only in
  /// the sense that no alarm can rise on it, and `lookout status` shows it as unjudged.
  struct Judging {
    bool derived = false;
    bool judged = false;
  };
  Judging judging(const PointKey& key) const;
  /// Every site known (by its points or alarms), rolled up as site_level() does, in
  /// (enterprise, site) order.
  std::vector<SiteRollup> rollup() const;

  /// The alarms as they stand, by point and rule kind: what people act on (alarm_desk.hpp). Whoever
  /// changes one stores it first.
  std::map<AlarmKey, AlarmRecord>& alarm_book() { return alarms_; }
  const std::map<AlarmKey, AlarmRecord>& alarm_book() const { return alarms_; }
  /// The AlarmMessage of an alarm record, as the retained topic shows it.
  wire::AlarmMessage message_of(const AlarmRecord& a) const { return to_message(a); }

 private:
  struct PointEntry {
    std::string quantity;
    std::string gateway;
    PointRules rules;
    PointState state;
  };
  struct Batch;  // the working state of one batch
  /// A gateway's run of backfilled batches: its alarm changes are stored and published as
  /// they come, but none pages until the run ends; then an alarm that stands at another
  /// level than before the run pages, unless it rose and came back down within it. Kept in
  /// the store too (BackfillMark), so a run survives a restart.
  struct BackfillRun {
    std::map<AlarmKey, Level> level_before;  ///< each moved alarm's level when the run began
    std::set<AlarmKey> rose;                 ///< alarms that went up at some point in it
    std::int64_t last_ms = 0;                ///< [ms UTC] when its last batch arrived
  };
  using GatewayId = std::tuple<std::string, std::string, std::string>;
  /// The run's end: the messages that page, the alarms as they stand now.
  std::vector<wire::AlarmMessage> end_backfill(const GatewayId& gateway);

  void load();
  IngestResult handle_readings(const wire::GatewayAddress& gw, std::string_view payload, std::int64_t received_ms);
  /// The highest seq stored from `gw`: known since the last load, or asked of the store.
  std::optional<std::uint64_t> newest_seq(const wire::GatewayAddress& gw);
  /// What to acknowledge after `batch` (stored now or before).
  Delivery delivery(const wire::GatewayAddress& gw, const wire::ReadingsBatch& batch);
  /// The answer to a batch numbered in an earlier outbox's range: number after `after`.
  IngestResult renumber(const wire::GatewayAddress& gw, const wire::ReadingsBatch& batch, std::uint64_t after);
  IngestResult handle_status(const wire::GatewayAddress& gw, std::string_view payload, std::int64_t received_ms);
  PointEntry& point_entry(const PointKey& key, const std::string& quantity, const std::string& gateway);
  /// Applies a level to the alarm (key, kind); records the change in `batch` when it moves.
  void apply(Batch& batch, const PointKey& key, RuleKind kind, const std::string& quantity, Level level,
             const std::string& rule, std::optional<double> value, const std::string& unit, std::int64_t ts_ms);
  /// Every derived point with `input` among its inputs, judged on the input's new value,
  /// which counts only in metres (an elevation).
  void judge_derived(Batch& batch, const PointKey& input, const wire::Reading& reading);
  /// The gateway's clock judged from `batch`'s times against `received_ms`, into `work`.
  void judge_clock(Batch& work, const wire::GatewayAddress& gw, const wire::ReadingsBatch& batch,
                   std::int64_t received_ms);
  /// True when `key` is a `[[derived]]` point: computed here, never heard from a gateway.
  bool is_derived_point(const PointKey& key) const;
  wire::AlarmMessage to_message(const AlarmRecord& a) const;

  const AggregatorConfig& config_;
  Store& store_;
  std::map<AlarmKey, AlarmRecord> alarms_;
  std::map<PointKey, PointEntry> points_;
  std::map<PointKey, double> derived_inputs_;  ///< [m] latest valid value of each derived rule's inputs
  std::map<PointKey, Level> derived_judged_;   ///< per derived point: its hysteresis state
  std::map<GatewayId, std::uint64_t> max_seq_;
  std::map<GatewayId, BackfillRun> backfills_;  ///< runs under way
  std::set<std::string> warned_;  ///< one log line per point for a unit mismatch
  std::set<std::pair<GatewayId, std::uint64_t>> told_renumber_;  ///< one log line per gateway and new outbox
  IngestCounters counters_;
  std::int64_t last_alarm_id_ = 0;  ///< ids are never reused, across restarts too
  std::int64_t listener_up_since_ms_ = 0;  ///< listener_up_since()
  std::vector<AlarmRecord> unstored_;  ///< own_storage's changes the database has not taken yet, in order
};

}  // namespace lookout::aggregator
