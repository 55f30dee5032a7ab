#pragma once
// Store on SQLite: WAL, synchronous=FULL, one transaction per batch or per turn of batches
// (begin_turn), versioned schema migrations.
// Readings are appended in arrival order, once per point and measurement time (a unique
// point-and-time index: the same reading in another batch is not stored again); the latest
// value per point is kept apart for live status (design.md "History at scale").

#include <filesystem>
#include <memory>

#include "aggregator/store.hpp"

struct sqlite3;

namespace lookout::aggregator {

class SqliteStore final : public Store {
 public:
  /// Opens (creating if needed) and migrates the database; throws naming the file.
  explicit SqliteStore(const std::filesystem::path& file);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  bool has_batch(const wire::GatewayAddress& gateway, std::uint64_t seq) override;
  void ingest(const IngestRecord& record) override;
  std::vector<LatestValue> latest() override;
  std::vector<AlarmRecord> alarms() override;
  std::int64_t last_alarm_id() override;
  void record_alarm_action(const AlarmRecord& now, const AlarmEvent& event) override;
  std::vector<AlarmEvent> alarm_events(std::int64_t alarm_id) override;
  std::vector<std::int64_t> alarm_ids(std::int64_t from_ms, std::int64_t to_ms, int limit) override;
  std::vector<ReadingRow> readings(const PointKey& point, std::int64_t from_ms, std::int64_t to_ms,
                                   std::int64_t after_ts_ms, std::int64_t after_row, int limit) override;
  void gateway_status(const wire::GatewayAddress& gateway, bool online, const std::string& status_json,
                      std::int64_t received_ms) override;
  std::vector<GatewayRecord> gateways() override;
  std::int64_t create_token(const TokenRecord& token, const std::string& hash) override;
  std::vector<TokenRecord> tokens() override;
  bool revoke_token(std::int64_t id, std::int64_t now_ms) override;
  std::optional<TokenRecord> token_by_hash(const std::string& hash) override;
  std::optional<std::uint64_t> max_seq(const wire::GatewayAddress& gateway) override;
  std::optional<OutboxEpoch> outbox_epoch(const wire::GatewayAddress& gateway) override;
  std::vector<SequenceGap> sequence_gaps() override;
  void record_alarms(const std::vector<AlarmRecord>& changes) override;
  PruneResult prune(std::int64_t now_ms, std::int64_t raw_keep_ms, std::int64_t hourly_keep_ms) override;
  std::vector<HourlySummary> hourly(const PointKey& point) override;
  std::vector<BackfillMark> backfill_marks() override;
  void end_backfill(const wire::GatewayAddress& gateway) override;
  void begin_turn() override;
  void commit_turn() override;
  void rollback_turn() noexcept override;
  std::uint64_t advance_delivery(const wire::GatewayAddress& gateway, std::uint64_t oldest, std::uint64_t seq) override;

  /// PRAGMA synchronous of the store's connection (2: FULL).
  int synchronous();
  /// Lowers it to NORMAL (synced at checkpoints only): for tools/bench's "before" figure,
  /// never in the programs, which promise that what they acknowledge is on disk.
  void relax_sync_for_bench();

  /// The schema version this build writes.
  static int schema_version();

 private:
  void exec(const char* sql);
  void migrate();
  /// A transaction of one operation: its own, or a savepoint inside an open turn.
  void begin();
  void commit();
  void rollback() noexcept;
  /// The alarm's row and one audit event, inside the caller's transaction.
  void write_alarm(const AlarmRecord& alarm, const AlarmEvent& event);
  void write_alarms(const std::vector<AlarmRecord>& changes);
  void write_backfill_marks(const IngestRecord& rec);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  bool turn_open_ = false;
};

}  // namespace lookout::aggregator
