#include "aggregator/sqlite_store.hpp"

#include <sqlite3.h>

#include <array>
#include <stdexcept>

namespace lookout::aggregator {
namespace {

// Each entry moves the schema one version up; never edit one that has shipped.
constexpr std::array<const char*, 2> MIGRATIONS{
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
    // 2: one alarm per (point, rule kind); quiet (backfilled) alarm events; sequence gaps;
    // hourly summaries that outlive the raw readings.
    R"sql(
CREATE TABLE alarms_by_kind (
  enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL, kind TEXT NOT NULL,
  quantity TEXT NOT NULL, level TEXT NOT NULL, state TEXT NOT NULL, rule TEXT NOT NULL,
  value REAL, unit TEXT NOT NULL, ts_ms INTEGER NOT NULL, since_ms INTEGER NOT NULL,
  PRIMARY KEY (enterprise, site, point, kind)
) WITHOUT ROWID;
INSERT INTO alarms_by_kind SELECT enterprise, site, point, 'threshold', quantity, level, state, rule, value, unit,
  ts_ms, since_ms FROM alarms;
DROP TABLE alarms;
ALTER TABLE alarms_by_kind RENAME TO alarms;
ALTER TABLE alarm_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'threshold';
ALTER TABLE alarm_events ADD COLUMN quiet INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sequence_gaps (
  enterprise TEXT NOT NULL, site TEXT NOT NULL, gateway TEXT NOT NULL,
  from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL, seen_ms INTEGER NOT NULL,
  PRIMARY KEY (enterprise, site, gateway, from_seq)
) WITHOUT ROWID;
CREATE TABLE readings_hourly (
  enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL,
  quantity TEXT NOT NULL, unit TEXT NOT NULL, hour_ms INTEGER NOT NULL,
  n INTEGER NOT NULL, v_min REAL NOT NULL, v_max REAL NOT NULL, v_sum REAL NOT NULL,
  PRIMARY KEY (enterprise, site, point, hour_ms)
) WITHOUT ROWID;
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
  // The statement is finished before migrating: DROP TABLE fails while any is running.
  const int have = [&] {
    Statement v(db_, "PRAGMA user_version");
    v.step();
    return static_cast<int>(v.integer(0));
  }();
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

    for (const auto& g : rec.gaps) {
      Statement gap(db_,
                    "INSERT OR IGNORE INTO sequence_gaps (enterprise, site, gateway, from_seq, to_seq, seen_ms) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      gap.bind(1, g.gateway.enterprise)
          .bind(2, g.gateway.site)
          .bind(3, g.gateway.gateway)
          .bind(4, static_cast<std::int64_t>(g.from_seq))
          .bind(5, static_cast<std::int64_t>(g.to_seq))
          .bind(6, g.seen_ms);
      gap.run();
    }
    write_alarms(rec.alarm_changes);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SqliteStore::write_alarms(const std::vector<AlarmRecord>& changes) {
  Statement alarm(db_,
                  "INSERT INTO alarms (enterprise, site, point, kind, quantity, level, state, rule, value, unit, ts_ms, "
                  "since_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                  "ON CONFLICT (enterprise, site, point, kind) DO UPDATE SET quantity=excluded.quantity, "
                  "level=excluded.level, state=excluded.state, rule=excluded.rule, value=excluded.value, "
                  "unit=excluded.unit, ts_ms=excluded.ts_ms, since_ms=excluded.since_ms");
  Statement event(db_,
                  "INSERT INTO alarm_events (enterprise, site, point, kind, ts_ms, from_level, to_level, state, rule, "
                  "value, who, comment, quiet) SELECT ?1, ?2, ?3, ?4, ?5, COALESCE((SELECT level FROM alarms WHERE "
                  "enterprise=?1 AND site=?2 AND point=?3 AND kind=?4), 'normal'), ?6, ?7, ?8, ?9, 'system', '', ?10");
  for (const auto& a : changes) {
    const auto kind = to_string(a.kind);
    event.bind(1, a.key.enterprise)
        .bind(2, a.key.site)
        .bind(3, a.key.point)
        .bind(4, kind)
        .bind(5, a.ts_ms)
        .bind(6, wire::to_string(a.alarm.level))
        .bind(7, to_string(a.alarm.state))
        .bind(8, a.alarm.rule)
        .bind(9, a.value)
        .bind(10, static_cast<std::int64_t>(a.quiet));
    event.run();
    alarm.bind(1, a.key.enterprise)
        .bind(2, a.key.site)
        .bind(3, a.key.point)
        .bind(4, kind)
        .bind(5, a.quantity)
        .bind(6, wire::to_string(a.alarm.level))
        .bind(7, to_string(a.alarm.state))
        .bind(8, a.alarm.rule)
        .bind(9, a.value)
        .bind(10, a.unit)
        .bind(11, a.ts_ms)
        .bind(12, a.alarm.since_ms);
    alarm.run();
  }
}

void SqliteStore::record_alarms(const std::vector<AlarmRecord>& changes) {
  if (changes.empty()) return;
  exec("BEGIN IMMEDIATE");
  try {
    write_alarms(changes);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::optional<std::uint64_t> SqliteStore::max_seq(const wire::GatewayAddress& gw) {
  Statement s(db_, "SELECT MAX(seq) FROM batches WHERE enterprise=?1 AND site=?2 AND gateway=?3");
  s.bind(1, gw.enterprise).bind(2, gw.site).bind(3, gw.gateway);
  if (!s.step() || !s.real(0)) return std::nullopt;
  return static_cast<std::uint64_t>(s.integer(0));
}

std::vector<SequenceGap> SqliteStore::sequence_gaps() {
  Statement s(db_,
              "SELECT g.enterprise, g.site, g.gateway, g.from_seq, g.to_seq, g.seen_ms, "
              "(g.to_seq - g.from_seq + 1) - (SELECT COUNT(*) FROM batches b WHERE b.enterprise=g.enterprise AND "
              "b.site=g.site AND b.gateway=g.gateway AND b.seq BETWEEN g.from_seq AND g.to_seq) "
              "FROM sequence_gaps g ORDER BY g.seen_ms DESC, g.from_seq DESC");
  std::vector<SequenceGap> out;
  while (s.step()) {
    SequenceGap g;
    g.gateway = {s.text(0), s.text(1), s.text(2)};
    g.from_seq = static_cast<std::uint64_t>(s.integer(3));
    g.to_seq = static_cast<std::uint64_t>(s.integer(4));
    g.seen_ms = s.integer(5);
    g.missing = static_cast<std::uint64_t>(s.integer(6));
    out.push_back(std::move(g));
  }
  return out;
}

PruneResult SqliteStore::prune(std::int64_t now_ms, std::int64_t raw_keep_ms, std::int64_t hourly_keep_ms) {
  PruneResult r;
  const std::int64_t raw_cutoff = now_ms - raw_keep_ms;
  exec("BEGIN IMMEDIATE");
  try {
    // Valid values only: a bad reading has no value to summarise. An hour cut by the
    // cutoff is summarised in parts, merged into one row.
    Statement summarise(db_,
                        "INSERT INTO readings_hourly (enterprise, site, point, quantity, unit, hour_ms, n, v_min, "
                        "v_max, v_sum) SELECT enterprise, site, point, quantity, unit, (ts_ms / 3600000) * 3600000 "
                        "AS h, COUNT(*), MIN(value), MAX(value), SUM(value) FROM readings WHERE ts_ms < ?1 AND "
                        "value IS NOT NULL AND quality != 'bad' GROUP BY enterprise, site, point, h "
                        "ON CONFLICT (enterprise, site, point, hour_ms) DO UPDATE SET n = n + excluded.n, "
                        "v_min = MIN(v_min, excluded.v_min), v_max = MAX(v_max, excluded.v_max), "
                        "v_sum = v_sum + excluded.v_sum");
    summarise.bind(1, raw_cutoff);
    summarise.run();
    r.hours_summarised = sqlite3_changes(db_);
    Statement drop_raw(db_, "DELETE FROM readings WHERE ts_ms < ?1");
    drop_raw.bind(1, raw_cutoff);
    drop_raw.run();
    r.readings_deleted = sqlite3_changes(db_);
    Statement drop_hourly(db_, "DELETE FROM readings_hourly WHERE hour_ms + 3600000 <= ?1");
    drop_hourly.bind(1, now_ms - hourly_keep_ms);
    drop_hourly.run();
    r.hours_deleted = sqlite3_changes(db_);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return r;
}

std::vector<HourlySummary> SqliteStore::hourly(const PointKey& point) {
  Statement s(db_,
              "SELECT quantity, unit, hour_ms, n, v_min, v_max, v_sum FROM readings_hourly WHERE enterprise=?1 AND "
              "site=?2 AND point=?3 ORDER BY hour_ms");
  s.bind(1, point.enterprise).bind(2, point.site).bind(3, point.point);
  std::vector<HourlySummary> out;
  while (s.step()) {
    HourlySummary h;
    h.key = point;
    h.quantity = s.text(0);
    h.unit = s.text(1);
    h.hour_ms = s.integer(2);
    h.count = s.integer(3);
    h.min = s.real(4).value_or(0);
    h.max = s.real(5).value_or(0);
    h.mean = h.count > 0 ? s.real(6).value_or(0) / static_cast<double>(h.count) : 0;
    out.push_back(std::move(h));
  }
  return out;
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
              "SELECT enterprise, site, point, quantity, level, state, rule, value, unit, ts_ms, since_ms, kind "
              "FROM alarms ORDER BY enterprise, site, point, kind");
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
    a.kind = rule_kind_from_string(s.text(11)).value_or(RuleKind::threshold);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace lookout::aggregator
