#include "aggregator/sqlite_store.hpp"

#include <sqlite3.h>

#include <array>
#include <stdexcept>

namespace lookout::aggregator {
namespace {

// Each entry moves the schema one version up; never edit one that has shipped.
constexpr std::array<const char*, 1> MIGRATIONS{
    R"sql(
CREATE TABLE batches (
  enterprise TEXT NOT NULL, site TEXT NOT NULL, gateway TEXT NOT NULL,
  seq INTEGER NOT NULL, boot INTEGER NOT NULL, backfill INTEGER NOT NULL,
  readings INTEGER NOT NULL, received_ms INTEGER NOT NULL,
  PRIMARY KEY (enterprise, site, gateway, seq)
) WITHOUT ROWID;
CREATE TABLE readings (
  enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL,
  quantity TEXT NOT NULL, value REAL, unit TEXT NOT NULL, ts_ms INTEGER NOT NULL,
  quality TEXT NOT NULL, status TEXT NOT NULL, level TEXT NOT NULL,
  gateway TEXT NOT NULL, seq INTEGER NOT NULL, received_ms INTEGER NOT NULL
);
CREATE TABLE latest (
  enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL,
  quantity TEXT NOT NULL, value REAL, unit TEXT NOT NULL, ts_ms INTEGER NOT NULL,
  quality TEXT NOT NULL, status TEXT NOT NULL, level TEXT NOT NULL, gateway TEXT NOT NULL,
  PRIMARY KEY (enterprise, site, point)
) WITHOUT ROWID;
CREATE TABLE alarms (
  enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL,
  quantity TEXT NOT NULL, level TEXT NOT NULL, state TEXT NOT NULL, rule TEXT NOT NULL,
  value REAL, unit TEXT NOT NULL, ts_ms INTEGER NOT NULL, since_ms INTEGER NOT NULL,
  PRIMARY KEY (enterprise, site, point)
) WITHOUT ROWID;
CREATE TABLE alarm_events (
  id INTEGER PRIMARY KEY,
  enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL,
  ts_ms INTEGER NOT NULL, from_level TEXT NOT NULL, to_level TEXT NOT NULL,
  state TEXT NOT NULL, rule TEXT NOT NULL, value REAL,
  who TEXT NOT NULL, comment TEXT NOT NULL
);
)sql",
};

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& s) {
    check(sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, std::string_view s) { return bind(i, std::string(s)); }
  Statement& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Statement& bind(int i, const std::optional<double>& v) {
    check(v ? sqlite3_bind_double(stmt_, i, *v) : sqlite3_bind_null(stmt_, i));
    return *this;
  }
  /// True while rows come; throws on error.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("sqlite step: ") + sqlite3_errmsg(db_));
  }
  void run() {
    step();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::optional<double> real(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(stmt_, col);
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw std::runtime_error(std::string("sqlite bind: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

wire::Reading reading_from_row(const Statement& s, int first) {
  wire::Reading r;
  r.quantity = s.text(first);
  r.value = s.real(first + 1);
  r.unit = s.text(first + 2);
  r.ts_ms = s.integer(first + 3);
  r.quality = wire::quality_from_string(s.text(first + 4)).value_or(wire::Quality::bad);
  r.status = wire::device_status_from_string(s.text(first + 5)).value_or(wire::DeviceStatus::ok);
  return r;
}

}  // namespace

int SqliteStore::schema_version() { return static_cast<int>(MIGRATIONS.size()); }

SqliteStore::SqliteStore(const std::filesystem::path& file) : file_(file) {
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error(file.string() + ": cannot open database: " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
  migrate();
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

void SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error(file_.string() + ": " + why);
  }
}

void SqliteStore::migrate() {
  Statement v(db_, "PRAGMA user_version");
  v.step();
  const auto have = static_cast<int>(v.integer(0));
  if (have > schema_version()) {
    throw std::runtime_error(file_.string() + ": schema version " + std::to_string(have) +
                             " is newer than this build knows (" + std::to_string(schema_version()) +
                             "); upgrade lookout-aggregator");
  }
  for (int i = have; i < schema_version(); ++i) {
    exec("BEGIN IMMEDIATE");
    try {
      exec(MIGRATIONS[static_cast<std::size_t>(i)]);
      exec(("PRAGMA user_version=" + std::to_string(i + 1)).c_str());
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
}

bool SqliteStore::has_batch(const wire::GatewayAddress& gw, std::uint64_t seq) {
  Statement s(db_, "SELECT 1 FROM batches WHERE enterprise=?1 AND site=?2 AND gateway=?3 AND seq=?4");
  s.bind(1, gw.enterprise).bind(2, gw.site).bind(3, gw.gateway).bind(4, static_cast<std::int64_t>(seq));
  return s.step();
}

void SqliteStore::ingest(const IngestRecord& rec) {
  const auto& b = *rec.batch;
  exec("BEGIN IMMEDIATE");
  try {
    Statement batch(db_,
                    "INSERT INTO batches (enterprise, site, gateway, seq, boot, backfill, readings, received_ms) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    batch.bind(1, rec.gateway.enterprise)
        .bind(2, rec.gateway.site)
        .bind(3, rec.gateway.gateway)
        .bind(4, static_cast<std::int64_t>(b.seq))
        .bind(5, static_cast<std::int64_t>(b.boot))
        .bind(6, static_cast<std::int64_t>(b.backfill))
        .bind(7, static_cast<std::int64_t>(b.readings.size()))
        .bind(8, rec.received_ms);
    batch.run();

    Statement row(db_,
                  "INSERT INTO readings (enterprise, site, point, quantity, value, unit, ts_ms, quality, status, "
                  "level, gateway, seq, received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    Statement latest(db_,
                     "INSERT INTO latest (enterprise, site, point, quantity, value, unit, ts_ms, quality, status, "
                     "level, gateway) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                     "ON CONFLICT (enterprise, site, point) DO UPDATE SET quantity=excluded.quantity, "
                     "value=excluded.value, unit=excluded.unit, ts_ms=excluded.ts_ms, quality=excluded.quality, "
                     "status=excluded.status, level=excluded.level, gateway=excluded.gateway "
                     "WHERE excluded.ts_ms >= latest.ts_ms");
    for (std::size_t i = 0; i < b.readings.size(); ++i) {
      const auto& r = b.readings[i];
      const auto level = i < rec.levels.size() ? rec.levels[i] : wire::Level::normal;
      for (Statement* s : {&row, &latest}) {
        s->bind(1, rec.gateway.enterprise)
            .bind(2, rec.gateway.site)
            .bind(3, r.point)
            .bind(4, r.quantity)
            .bind(5, r.value)
            .bind(6, r.unit)
            .bind(7, r.ts_ms)
            .bind(8, wire::to_string(r.quality))
            .bind(9, wire::to_string(r.status))
            .bind(10, wire::to_string(level))
            .bind(11, rec.gateway.gateway);
      }
      row.bind(12, static_cast<std::int64_t>(b.seq)).bind(13, rec.received_ms);
      row.run();
      latest.run();
    }

    Statement alarm(db_,
                    "INSERT INTO alarms (enterprise, site, point, quantity, level, state, rule, value, unit, ts_ms, "
                    "since_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                    "ON CONFLICT (enterprise, site, point) DO UPDATE SET quantity=excluded.quantity, "
                    "level=excluded.level, state=excluded.state, rule=excluded.rule, value=excluded.value, "
                    "unit=excluded.unit, ts_ms=excluded.ts_ms, since_ms=excluded.since_ms");
    Statement event(db_,
                    "INSERT INTO alarm_events (enterprise, site, point, ts_ms, from_level, to_level, state, rule, "
                    "value, who, comment) SELECT ?1, ?2, ?3, ?4, COALESCE((SELECT level FROM alarms WHERE "
                    "enterprise=?1 AND site=?2 AND point=?3), 'normal'), ?5, ?6, ?7, ?8, 'system', ''");
    for (const auto& a : rec.alarm_changes) {
      event.bind(1, a.key.enterprise)
          .bind(2, a.key.site)
          .bind(3, a.key.point)
          .bind(4, a.ts_ms)
          .bind(5, wire::to_string(a.alarm.level))
          .bind(6, to_string(a.alarm.state))
          .bind(7, a.alarm.rule)
          .bind(8, a.value);
      event.run();
      alarm.bind(1, a.key.enterprise)
          .bind(2, a.key.site)
          .bind(3, a.key.point)
          .bind(4, a.quantity)
          .bind(5, wire::to_string(a.alarm.level))
          .bind(6, to_string(a.alarm.state))
          .bind(7, a.alarm.rule)
          .bind(8, a.value)
          .bind(9, a.unit)
          .bind(10, a.ts_ms)
          .bind(11, a.alarm.since_ms);
      alarm.run();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<LatestValue> SqliteStore::latest() {
  Statement s(db_,
              "SELECT enterprise, site, point, gateway, level, quantity, value, unit, ts_ms, quality, status "
              "FROM latest ORDER BY enterprise, site, point");
  std::vector<LatestValue> out;
  while (s.step()) {
    LatestValue v;
    v.key = {s.text(0), s.text(1), s.text(2)};
    v.gateway = s.text(3);
    v.level = wire::level_from_string(s.text(4)).value_or(wire::Level::normal);
    v.reading = reading_from_row(s, 5);
    v.reading.point = v.key.point;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<AlarmRecord> SqliteStore::alarms() {
  Statement s(db_,
              "SELECT enterprise, site, point, quantity, level, state, rule, value, unit, ts_ms, since_ms "
              "FROM alarms ORDER BY enterprise, site, point");
  std::vector<AlarmRecord> out;
  while (s.step()) {
    AlarmRecord a;
    a.key = {s.text(0), s.text(1), s.text(2)};
    a.quantity = s.text(3);
    a.alarm.level = wire::level_from_string(s.text(4)).value_or(wire::Level::normal);
    a.alarm.state = alarm_state_from_string(s.text(5)).value_or(AlarmState::normal);
    a.alarm.rule = s.text(6);
    a.value = s.real(7);
    a.unit = s.text(8);
    a.ts_ms = s.integer(9);
    a.alarm.since_ms = s.integer(10);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace lookout::aggregator
