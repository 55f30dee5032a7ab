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

  /// The schema version this build writes.
  static int schema_version();

 private:
  void exec(const char* sql);
  void migrate();

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

}  // namespace lookout::aggregator
