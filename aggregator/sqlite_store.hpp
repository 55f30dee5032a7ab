#pragma once
// Store on SQLite: WAL, one transaction per batch, versioned schema migrations.
// Readings are appended in arrival order without a per-row index; the latest value per
// point is kept apart for live status (design.md "History at scale").

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
  std::optional<std::uint64_t> max_seq(const wire::GatewayAddress& gateway) override;
  std::vector<SequenceGap> sequence_gaps() override;
  void record_alarms(const std::vector<AlarmRecord>& changes) override;
  PruneResult prune(std::int64_t now_ms, std::int64_t raw_keep_ms, std::int64_t hourly_keep_ms) override;
  std::vector<HourlySummary> hourly(const PointKey& point) override;

  /// The schema version this build writes.
  static int schema_version();

 private:
  void exec(const char* sql);
  void migrate();
  void write_alarms(const std::vector<AlarmRecord>& changes);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

}  // namespace lookout::aggregator
