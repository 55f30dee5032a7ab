#pragma once
// Notifications not yet delivered, kept in the aggregator's SQLite database (table
// notify_outbox, schema migration 5 in sqlite_store.cpp) so a restart does not lose them:
// a row is written before a notice is queued on its channel and deleted when the channel
// is done with it (delivered, given up or dropped). At start the rows left are queued again,
// with their notice ids, so a receiver that deduplicates by Idempotency-Key gets each once.
//
// Its own connection to the database (WAL lets it sit beside the store's); thread-safe,
// as a command hook finishes on a thread of its own.

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

struct sqlite3;

namespace lookout::aggregator::notify {

struct OutboxEntry {
  std::int64_t row = 0;
  std::string channel;    ///< the channel's key (Dispatcher)
  std::string notice_id;  ///< the Idempotency-Key / LOOKOUT_ID
  std::string payload;    ///< a webhook's JSON body, or a command hook's text
  std::map<std::string, std::string> env;  ///< a command hook's environment
  std::int64_t created_ms = 0;             ///< [ms UTC]
};

class Outbox {
 public:
  /// Opens the database (already migrated by SqliteStore); throws naming the file.
  explicit Outbox(const std::filesystem::path& database);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  /// Stores one notice for one channel; returns its row (never 0).
  std::int64_t add(const OutboxEntry& entry);
  void remove(std::int64_t row);
  /// Every row, oldest first.
  std::vector<OutboxEntry> pending();

 private:
  std::filesystem::path file_;
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace lookout::aggregator::notify
