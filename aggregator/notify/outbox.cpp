#include "aggregator/notify/outbox.hpp"

#include <sqlite3.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace lookout::aggregator::notify {
namespace {

/// One prepared statement, finalized on every path.
class Query {
 public:
  Query(sqlite3* db, const char* sql, const std::filesystem::path& file) : db_(db), file_(file) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Query() { sqlite3_finalize(stmt_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& text(int i, const std::string& s) {
    if (sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT) != SQLITE_OK) fail("bind");
    return *this;
  }
  Query& integer(int i, std::int64_t v) {
    if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail("bind");
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail("step");
    return false;
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error(file_.string() + ": notification outbox: " + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  const std::filesystem::path& file_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

Outbox::Outbox(const std::filesystem::path& database) : file_(database) {
  if (sqlite3_open_v2(database.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error(database.string() + ": cannot open database for the notification outbox: " + why);
  }
  // The store's connection may be inside a batch's transaction: wait for it, briefly.
  sqlite3_busy_timeout(db_, 5000);
  try {
    Query(db_, "SELECT count(*) FROM notify_outbox", file_).step();
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Outbox::~Outbox() { sqlite3_close(db_); }

std::int64_t Outbox::add(const OutboxEntry& e) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q(db_, "INSERT INTO notify_outbox (channel, notice_id, payload, env, created_ms) VALUES (?, ?, ?, ?, ?)",
          file_);
  q.text(1, e.channel).text(2, e.notice_id).text(3, e.payload);
  q.text(4, e.env.empty() ? std::string() : nlohmann::json(e.env).dump()).integer(5, e.created_ms);
  q.step();
  return sqlite3_last_insert_rowid(db_);
}

void Outbox::remove(std::int64_t row) {
  std::lock_guard<std::mutex> lock(mutex_);
  Query(db_, "DELETE FROM notify_outbox WHERE id = ?", file_).integer(1, row).step();
}

std::vector<OutboxEntry> Outbox::pending() {
  std::lock_guard<std::mutex> lock(mutex_);
  Query q(db_, "SELECT id, channel, notice_id, payload, env, created_ms FROM notify_outbox ORDER BY id", file_);
  std::vector<OutboxEntry> out;
  while (q.step()) {
    OutboxEntry e{q.integer(0), q.text(1), q.text(2), q.text(3), {}, q.integer(5)};
    const auto env = nlohmann::json::parse(q.text(4), nullptr, false);
    if (env.is_object()) {
      for (const auto& [k, v] : env.items()) {
        if (v.is_string()) e.env[k] = v.get<std::string>();
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace lookout::aggregator::notify
