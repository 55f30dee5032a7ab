#include "gateway/outbox.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <stdexcept>

#include "firmware/wire/messages.hpp"

namespace lookout::gateway {
namespace {

constexpr const char* SCHEMA = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY,
  boot INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  readings INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kept_state (
  device TEXT NOT NULL,
  model TEXT NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (device, name)
) WITHOUT ROWID;
)sql";

/// The error of the last call on `db`, with its codes.
OutboxError error_of(sqlite3* db, const std::string& what) {
  return OutboxError(what + sqlite3_errmsg(db), sqlite3_extended_errcode(db), sqlite3_system_errno(db));
}

/// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) throw error_of(db, "outbox: ");
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() { return s_; }
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw error_of(db_, "outbox: ");
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

/// A new outbox's epoch: random, 1 to wire::MAX_EPOCH, so that two outboxes of a gateway
/// (before and after its data directory was wiped) differ but for a chance of 1 in 2^53.
std::uint64_t new_epoch() {
  std::random_device rd;
  std::uniform_int_distribution<std::uint64_t> pick(1, wire::MAX_EPOCH);
  return pick(rd);
}

}  // namespace

bool OutboxError::disk_full() const {
  return (sqlite_code_ & 0xff) == SQLITE_FULL || sys_errno_ == ENOSPC || sys_errno_ == EDQUOT;
}

Outbox::Outbox(const std::filesystem::path& data_dir, std::size_t max_readings)
    : file_(data_dir / "outbox.sqlite"), max_readings_(max_readings) {
  try {
    open();
  } catch (const OutboxError& e) {
    open_error_ = e.what();  // the first write tries again
  }
}

void Outbox::open() {
  if (db_ != nullptr) return;
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  if (ec) {
    throw OutboxError(file_.parent_path().string() + ": cannot create the data directory: " + ec.message(),
                      SQLITE_CANTOPEN, ec.value());
  }
  if (sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    OutboxError e(file_.string() + ": cannot open the outbox: " + why,
                  db_ ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM, db_ ? sqlite3_system_errno(db_) : 0);
    sqlite3_close(db_);
    db_ = nullptr;
    throw e;
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec(SCHEMA);
    exec("BEGIN IMMEDIATE");
    const auto boot = meta("boot") + 1;
    set_meta("boot", boot);
    auto epoch = meta("epoch");
    if (epoch == 0) {  // a new file, or one from before epochs
      epoch = new_epoch();
      set_meta("epoch", epoch);
    }
    exec("COMMIT");
    const auto seq = meta("seq");
    const auto dropped = meta("dropped");
    Stmt depth(db_, "SELECT COUNT(*), COALESCE(SUM(readings), 0), COALESCE(MAX(seq), 0) FROM outbox");
    depth.step();
    depth_batches_ = static_cast<std::size_t>(sqlite3_column_int64(depth.get(), 0));
    depth_readings_ = static_cast<std::size_t>(sqlite3_column_int64(depth.get(), 1));
    // The sequence never goes back: not behind anything still stored either.
    last_seq_ = std::max<std::uint64_t>(seq, static_cast<std::uint64_t>(sqlite3_column_int64(depth.get(), 2)));
    dropped_ = dropped;
    boot_ = boot;
    epoch_ = epoch;
  } catch (...) {
    sqlite3_close(db_);  // rolls back; the next try opens it afresh
    db_ = nullptr;
    depth_batches_ = 0;
    depth_readings_ = 0;
    throw;
  }
  open_error_.clear();
}

Outbox::~Outbox() { sqlite3_close(db_); }

void Outbox::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw OutboxError(file_.string() + ": " + why, sqlite3_extended_errcode(db_), sqlite3_system_errno(db_));
  }
}

std::uint64_t Outbox::meta(const char* key) {
  Stmt s(db_, "SELECT value FROM meta WHERE key = ?1");
  sqlite3_bind_text(s.get(), 1, key, -1, SQLITE_STATIC);
  return s.step() ? static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0)) : 0;
}

void Outbox::set_meta(const char* key, std::uint64_t value) {
  Stmt s(db_, "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  sqlite3_bind_text(s.get(), 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(value));
  s.step();
}

std::uint64_t Outbox::append(const std::vector<wire::Reading>& readings, std::int64_t created_ms,
                            const std::vector<KeptState>& kept) {
  open();
  const std::string payload = wire::encode_readings_array(readings);
  // What a failed transaction must not leave changed (trim() counts as it goes).
  const auto depth_batches = depth_batches_;
  const auto depth_readings = depth_readings_;
  const auto dropped = dropped_;
  exec("BEGIN IMMEDIATE");
  try {
    delete_acknowledged();
    const std::uint64_t seq = last_seq_ + 1;
    Stmt s(db_, "INSERT INTO outbox (seq, boot, created_ms, readings, payload) VALUES (?1, ?2, ?3, ?4, ?5)");
    sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(seq));
    sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(boot_));
    sqlite3_bind_int64(s.get(), 3, created_ms);
    sqlite3_bind_int64(s.get(), 4, static_cast<sqlite3_int64>(readings.size()));
    sqlite3_bind_text(s.get(), 5, payload.data(), static_cast<int>(payload.size()), SQLITE_TRANSIENT);
    s.step();
    set_meta("seq", seq);
    write_kept(kept);
    depth_batches_ += 1;
    depth_readings_ += readings.size();
    trim();
    exec("COMMIT");
    last_seq_ = seq;
    acked_undeleted_ = false;
    return seq;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    depth_batches_ = depth_batches;
    depth_readings_ = depth_readings;
    dropped_ = dropped;
    throw;
  }
}

void Outbox::write_kept(const std::vector<KeptState>& kept) {
  for (const auto& k : kept) {
    Stmt forget(db_, "DELETE FROM kept_state WHERE device = ?1");
    sqlite3_bind_text(forget.get(), 1, k.device.data(), static_cast<int>(k.device.size()), SQLITE_TRANSIENT);
    forget.step();
    for (const auto& [name, value] : k.state.all()) {
      Stmt put(db_, "INSERT INTO kept_state (device, model, name, value) VALUES (?1, ?2, ?3, ?4)");
      sqlite3_bind_text(put.get(), 1, k.device.data(), static_cast<int>(k.device.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(put.get(), 2, k.model.data(), static_cast<int>(k.model.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(put.get(), 3, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
      sqlite3_bind_double(put.get(), 4, value);
      put.step();
    }
  }
}

void Outbox::keep(const std::vector<KeptState>& kept) {
  if (kept.empty()) return;
  open();
  exec("BEGIN IMMEDIATE");
  try {
    write_kept(kept);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<KeptState> Outbox::kept_states() {
  if (db_ == nullptr) return {};
  Stmt s(db_, "SELECT device, model, name, value FROM kept_state ORDER BY device, name");
  std::vector<KeptState> out;
  while (s.step()) {
    const auto text = [&](int col) {
      const auto* p = sqlite3_column_text(s.get(), col);
      return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
    };
    const std::string device = text(0);
    if (out.empty() || out.back().device != device) out.push_back({device, text(1), {}});
    out.back().state.set(text(2), sqlite3_column_double(s.get(), 3));
  }
  return out;
}

void Outbox::trim() {
  if (depth_readings_ <= max_readings_) return;
  std::uint64_t dropped_now = 0;
  while (depth_readings_ > max_readings_ && depth_batches_ > 1) {
    Stmt oldest(db_, "SELECT seq, readings FROM outbox ORDER BY seq LIMIT 1");
    if (!oldest.step()) break;
    const auto seq = sqlite3_column_int64(oldest.get(), 0);
    const auto n = static_cast<std::size_t>(sqlite3_column_int64(oldest.get(), 1));
    Stmt del(db_, "DELETE FROM outbox WHERE seq = ?1");
    sqlite3_bind_int64(del.get(), 1, seq);
    del.step();
    depth_batches_ -= 1;
    depth_readings_ -= n;
    dropped_now += n;
  }
  dropped_ += dropped_now;
  set_meta("dropped", dropped_);
}

std::vector<OutboxBatch> Outbox::pending(std::uint64_t after, std::size_t limit) {
  if (db_ == nullptr) return {};
  Stmt s(db_, "SELECT seq, boot, created_ms, readings, payload FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(std::max(after, acked_)));
  sqlite3_bind_int64(s.get(), 2, static_cast<sqlite3_int64>(limit));
  std::vector<OutboxBatch> out;
  while (s.step()) {
    OutboxBatch b;
    b.seq = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
    b.boot = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 1));
    b.created_ms = sqlite3_column_int64(s.get(), 2);
    b.readings = static_cast<std::size_t>(sqlite3_column_int64(s.get(), 3));
    b.readings_json = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 4));
    out.push_back(std::move(b));
  }
  return out;
}

void Outbox::acknowledge(std::uint64_t seq) {
  if (seq <= acked_ || db_ == nullptr) return;
  Stmt n(db_, "SELECT COUNT(*), COALESCE(SUM(readings), 0) FROM outbox WHERE seq > ?1 AND seq <= ?2");
  sqlite3_bind_int64(n.get(), 1, static_cast<sqlite3_int64>(acked_));
  sqlite3_bind_int64(n.get(), 2, static_cast<sqlite3_int64>(seq));
  n.step();
  const auto batches = static_cast<std::size_t>(sqlite3_column_int64(n.get(), 0));
  const auto readings = static_cast<std::size_t>(sqlite3_column_int64(n.get(), 1));
  acked_ = seq;
  depth_batches_ -= batches;
  depth_readings_ -= readings;
  acked_undeleted_ = true;
  try {
    exec("BEGIN IMMEDIATE");
    delete_acknowledged();
    exec("COMMIT");
    acked_undeleted_ = false;
  } catch (const OutboxError&) {
    // No room to delete (a full disk): they are forgotten all the same, deleted later.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Outbox::delete_acknowledged() {
  if (!acked_undeleted_) return;
  Stmt del(db_, "DELETE FROM outbox WHERE seq <= ?1");
  sqlite3_bind_int64(del.get(), 1, static_cast<sqlite3_int64>(acked_));
  del.step();
}

std::uint64_t Outbox::oldest_seq() {
  if (db_ == nullptr) return 0;
  Stmt s(db_, "SELECT COALESCE(MIN(seq), 0) FROM outbox WHERE seq > ?1");  // not what is acknowledged
  sqlite3_bind_int64(s.get(), 1, static_cast<sqlite3_int64>(acked_));
  s.step();
  return static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 0));
}

std::uint64_t Outbox::renumber_after(std::uint64_t seq) {
  open();
  const std::uint64_t oldest = oldest_seq();
  // The first unacknowledged batch becomes seq + 1; with none, the next one made.
  const std::uint64_t first = oldest != 0 ? oldest : last_seq_ + 1;
  if (first > seq) return 0;
  const std::uint64_t shift = seq + 1 - first;
  exec("BEGIN IMMEDIATE");
  try {
    acked_undeleted_ = true;  // what is acknowledged goes first: only the rest is renumbered
    delete_acknowledged();
    // Through negative numbers: moving up in place would meet rows not yet moved.
    Stmt away(db_, "UPDATE outbox SET seq = -(seq + ?1)");
    sqlite3_bind_int64(away.get(), 1, static_cast<sqlite3_int64>(shift));
    away.step();
    exec("UPDATE outbox SET seq = -seq");
    set_meta("seq", last_seq_ + shift);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  last_seq_ += shift;
  acked_ = seq;
  acked_undeleted_ = false;
  return shift;
}

}  // namespace lookout::gateway
