#include <doctest/doctest.h>

#include <sqlite3.h>

#include "aggregator/sqlite_store.hpp"
#include "tests/support/process.hpp"

using namespace lookout::aggregator;
using lookout::test::TempDir;
using lookout::wire::Level;

namespace {

constexpr std::int64_t HOUR = 3'600'000;
constexpr std::int64_t DAY = 24 * HOUR;
const lookout::wire::GatewayAddress GW{"xj-mine", "mine-1", "gw-1"};

/// Stores one batch of readings of one point, one every `step_ms` from `from_ms`.
void store_series(SqliteStore& store, std::uint64_t seq, std::int64_t from_ms, int count, std::int64_t step_ms,
                  double first, double inc) {
  lookout::wire::ReadingsBatch b;
  b.gateway = "gw-1";
  b.seq = seq;
  for (int i = 0; i < count; ++i) {
    lookout::wire::Reading r{"rl-1.level", "water_level", first + inc * i, "m", from_ms + i * step_ms,
                             lookout::wire::Quality::good, lookout::wire::DeviceStatus::ok};
    b.readings.push_back(r);
  }
  // and one bad reading that has nothing to summarise
  b.readings.push_back({"rl-1.level", "water_level", std::nullopt, "m", from_ms + 1, lookout::wire::Quality::bad,
                        lookout::wire::DeviceStatus::offline});
  IngestRecord rec{GW, &b, from_ms, std::vector<Level>(b.readings.size(), Level::normal), {}, {}, {}, {}, false};
  store.ingest(rec);
}

/// A batch of `readings` from gw-1 under `seq`, stored with every reading at level normal.
void store_batch(SqliteStore& store, std::uint64_t seq, const std::vector<lookout::wire::Reading>& readings) {
  lookout::wire::ReadingsBatch b;
  b.gateway = "gw-1";
  b.seq = seq;
  b.readings = readings;
  IngestRecord rec{GW, &b, 1'764'100'000'000, std::vector<Level>(b.readings.size(), Level::normal), {}, {}, {}, {},
                   false};
  store.ingest(rec);
}

lookout::wire::Reading displacement(double mm, std::int64_t ts_ms) {
  return {"gn-1.horizontal", "displacement_horizontal", mm, "mm", ts_ms, lookout::wire::Quality::good,
          lookout::wire::DeviceStatus::ok};
}

std::int64_t count_rows(const std::filesystem::path& db, const char* sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, sql, -1, &s, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(s) == SQLITE_ROW);
  const auto n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(h);
  return n;
}

}  // namespace

TEST_SUITE("aggregator.sqlite_store") {
  TEST_CASE("pruning summarises old raw readings into hourly min - max - mean and deletes them") {
    TempDir dir;
    const auto db = dir / "retention.db";
    SqliteStore store(db);
    const std::int64_t now = 1'764'100'000'000 / HOUR * HOUR;  // on an hour
    // GIVEN readings every 10 min for two hours, 100 days ago (values 10, 11, ... 21)
    store_series(store, 1, now - 100 * DAY, 12, 600'000, 10.0, 1.0);
    // AND readings an hour ago
    store_series(store, 2, now - HOUR, 6, 600'000, 50.0, 0.0);
    REQUIRE(count_rows(db, "SELECT COUNT(*) FROM readings") == 12 + 1 + 6 + 1);
    // WHEN pruned with 90 days raw and 2 years hourly
    const auto r = store.prune(now, 90 * DAY, 730 * DAY);
    // THEN the old readings are gone, summarised per hour; the recent ones stay raw
    CHECK(r.readings_deleted == 13);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM readings") == 7);
    const auto hours = store.hourly({"xj-mine", "mine-1", "rl-1.level"});
    REQUIRE(hours.size() == 2);
    CHECK(hours[0].hour_ms == now - 100 * DAY);
    CHECK(hours[0].count == 6);
    CHECK(hours[0].min == 10.0);
    CHECK(hours[0].max == 15.0);
    CHECK(hours[0].mean == doctest::Approx(12.5));
    CHECK(hours[1].count == 6);
    CHECK(hours[1].mean == doctest::Approx(18.5));
    CHECK(hours[0].unit == "m");
    // WHEN pruned again THEN nothing more happens
    CHECK(store.prune(now, 90 * DAY, 730 * DAY).readings_deleted == 0);
    CHECK(store.hourly({"xj-mine", "mine-1", "rl-1.level"})[0].count == 6);
    // WHEN two years have passed since the old hours THEN they go too, and the recent
    // readings are summarised in their turn
    const auto later = store.prune(now + 630 * DAY + 2 * HOUR, 90 * DAY, 730 * DAY);
    CHECK(later.hours_deleted == 2);
    CHECK(later.readings_deleted == 7);
    const auto left = store.hourly({"xj-mine", "mine-1", "rl-1.level"});
    REQUIRE(left.size() == 1);
    CHECK(left[0].hour_ms == now - HOUR);
    CHECK(left[0].mean == doctest::Approx(50.0));
  }

  TEST_CASE("an hour cut by the cutoff is merged into one hourly row") {
    TempDir dir;
    SqliteStore store(dir / "merge.db");
    const std::int64_t hour = 1'764'100'000'000 / HOUR * HOUR;
    store_series(store, 1, hour, 6, 600'000, 1.0, 1.0);  // 1..6 in one hour
    store.prune(hour + 30 * 60'000 + 1, 0, 730 * DAY);   // the first four readings
    store.prune(hour + 2 * HOUR, 0, 730 * DAY);          // the rest
    const auto hours = store.hourly({"xj-mine", "mine-1", "rl-1.level"});
    REQUIRE(hours.size() == 1);
    CHECK(hours[0].count == 6);
    CHECK(hours[0].min == 1.0);
    CHECK(hours[0].max == 6.0);
    CHECK(hours[0].mean == doctest::Approx(3.5));
  }

  TEST_CASE("a version 1 database migrates: its alarms become threshold alarms") {
    TempDir dir;
    const auto db = dir / "v1.db";
    {
      sqlite3* h = nullptr;
      REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
      // the version 1 schema as it shipped (the parts migration 2 touches)
      const char* v1 = R"sql(
CREATE TABLE batches (enterprise TEXT NOT NULL, site TEXT NOT NULL, gateway TEXT NOT NULL, seq INTEGER NOT NULL,
  boot INTEGER NOT NULL, backfill INTEGER NOT NULL, readings INTEGER NOT NULL, received_ms INTEGER NOT NULL,
  PRIMARY KEY (enterprise, site, gateway, seq)) WITHOUT ROWID;
CREATE TABLE readings (enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL, quantity TEXT NOT NULL,
  value REAL, unit TEXT NOT NULL, ts_ms INTEGER NOT NULL, quality TEXT NOT NULL, status TEXT NOT NULL,
  level TEXT NOT NULL, gateway TEXT NOT NULL, seq INTEGER NOT NULL, received_ms INTEGER NOT NULL);
CREATE TABLE latest (enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL, quantity TEXT NOT NULL,
  value REAL, unit TEXT NOT NULL, ts_ms INTEGER NOT NULL, quality TEXT NOT NULL, status TEXT NOT NULL,
  level TEXT NOT NULL, gateway TEXT NOT NULL, PRIMARY KEY (enterprise, site, point)) WITHOUT ROWID;
CREATE TABLE alarms (enterprise TEXT NOT NULL, site TEXT NOT NULL, point TEXT NOT NULL, quantity TEXT NOT NULL,
  level TEXT NOT NULL, state TEXT NOT NULL, rule TEXT NOT NULL, value REAL, unit TEXT NOT NULL,
  ts_ms INTEGER NOT NULL, since_ms INTEGER NOT NULL, PRIMARY KEY (enterprise, site, point)) WITHOUT ROWID;
CREATE TABLE alarm_events (id INTEGER PRIMARY KEY, enterprise TEXT NOT NULL, site TEXT NOT NULL,
  point TEXT NOT NULL, ts_ms INTEGER NOT NULL, from_level TEXT NOT NULL, to_level TEXT NOT NULL,
  state TEXT NOT NULL, rule TEXT NOT NULL, value REAL, who TEXT NOT NULL, comment TEXT NOT NULL);
INSERT INTO alarms VALUES ('xj-mine', 'mine-1', 'ch4-1.ch4', 'methane', 'red', 'active_unacknowledged',
  'methane.working_face', 1.6, '%CH4', 5, 5);
INSERT INTO alarm_events VALUES (1, 'xj-mine', 'mine-1', 'ch4-1.ch4', 5, 'normal', 'red', 'active_unacknowledged',
  'methane.working_face', 1.6, 'system', '');
PRAGMA user_version = 1;
)sql";
      REQUIRE(sqlite3_exec(h, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
      sqlite3_close(h);
    }
    SqliteStore store(db);
    const auto alarms = store.alarms();
    REQUIRE(alarms.size() == 1);
    CHECK(alarms[0].kind == RuleKind::threshold);
    CHECK(alarms[0].alarm.level == Level::red);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM alarm_events WHERE kind = 'threshold' AND quiet = 0") == 1);
    CHECK(count_rows(db, "PRAGMA user_version") == SqliteStore::schema_version());
  }

  TEST_CASE("a database newer than this build is refused naming the file") {
    TempDir dir;
    const auto db = dir / "future.db";
    { SqliteStore store(db); }
    {
      sqlite3* h = nullptr;
      REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
      REQUIRE(sqlite3_exec(h, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
      sqlite3_close(h);
    }
    try {
      SqliteStore store(db);
      FAIL("expected a refusal");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()).find(db.string()) != std::string::npos);
      CHECK(std::string(e.what()).find("newer") != std::string::npos);
    }
  }

  TEST_CASE("alarms of different kinds on one point are kept apart") {
    TempDir dir;
    SqliteStore store(dir / "kinds.db");
    AlarmRecord a{{"e", "s", "p.x"}, RuleKind::threshold, "h2s", {Level::orange, AlarmState::active_unacknowledged, "r", 1},
                  8.0, "ppm", 1, false};
    AlarmRecord b = a;
    b.kind = RuleKind::comm_loss;
    b.alarm.level = Level::yellow;
    b.quiet = true;
    store.record_alarms({a, b});
    const auto all = store.alarms();
    REQUIRE(all.size() == 2);
    CHECK(all[0].kind == RuleKind::comm_loss);
    CHECK(all[0].alarm.level == Level::yellow);
    CHECK(all[1].kind == RuleKind::threshold);
    CHECK(count_rows(dir / "kinds.db", "SELECT COUNT(*) FROM alarm_events WHERE quiet = 1") == 1);
  }

  TEST_CASE("schema 4: a point's readings page and are pruned through the point-and-time index") {
    TempDir dir;
    const auto db = dir / "index.db";
    { SqliteStore store(db); }
    CHECK(SqliteStore::schema_version() >= 4);
    CHECK(count_rows(db, "PRAGMA user_version") == SqliteStore::schema_version());
    CHECK(count_rows(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = "
                         "'readings_by_point_time' AND sql LIKE '%(enterprise, site, point, ts_ms)%'") == 1);
    // WHEN the index is gone (a damaged or hand-edited database) THEN paging says so, not scans
    {
      SqliteStore store(db);
      sqlite3* raw = nullptr;
      REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
      REQUIRE(sqlite3_exec(raw, "DROP INDEX readings_by_point_time", nullptr, nullptr, nullptr) == SQLITE_OK);
      sqlite3_close(raw);
      CHECK_THROWS_WITH_AS(store.readings({"e", "s", "p"}, 0, 1, 0, 0, 10), doctest::Contains("readings_by_point_time"),
                           std::runtime_error);
    }
  }

  TEST_CASE("a reading is stored once per point and measurement time - whatever the batch") {
    TempDir dir;
    const auto db = dir / "once.db";
    SqliteStore store(db);
    constexpr std::int64_t EPOCH_MS = 1'764'100'800'000;
    // GIVEN one solution sent twice within a batch
    store_batch(store, 1, {displacement(5.0, EPOCH_MS), displacement(5.0, EPOCH_MS)});
    CHECK(count_rows(db, "SELECT COUNT(*) FROM readings") == 1);
    // WHEN a gateway restarted and sends the same solution again in its next batch, with a new one
    CHECK_NOTHROW(store_batch(store, 2, {displacement(5.0, EPOCH_MS), displacement(5.5, EPOCH_MS + 3'600'000)}));
    // THEN the solution is stored once, the new one once, and the batch itself is stored:
    // its sequence number leaves no gap and it can be acknowledged
    CHECK(count_rows(db, "SELECT COUNT(*) FROM readings WHERE ts_ms = 1764100800000") == 1);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM readings") == 2);
    CHECK(store.has_batch(GW, 2));
    CHECK(store.max_seq(GW) == 2u);
    // AND the first one stored stays (its batch and value), the latest is the new solution
    CHECK(count_rows(db, "SELECT seq FROM readings WHERE ts_ms = 1764100800000") == 1);
    REQUIRE(store.latest().size() == 1);
    CHECK(*store.latest()[0].reading.value == 5.5);
    // AND another point at the same time is another reading
    auto other = displacement(3.0, EPOCH_MS);
    other.point = "gn-1.d_north";
    store_batch(store, 3, {other});
    CHECK(count_rows(db, "SELECT COUNT(*) FROM readings") == 3);
  }

  TEST_CASE("a version 6 database with a reading stored twice migrates: once per point and time") {
    TempDir dir;
    const auto db = dir / "v6.db";
    {
      SqliteStore store(db);
    }
    {
      // GIVEN a version 6 database (before migration 7) holding a solution twice, from two batches
      sqlite3* h = nullptr;
      REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
      const char* v6 = R"sql(
DROP INDEX readings_by_point_time;
CREATE INDEX readings_by_point_time ON readings (enterprise, site, point, ts_ms);
DROP TABLE deliveries;
INSERT INTO readings VALUES ('xj-mine', 'mine-1', 'gn-1.horizontal', 'displacement_horizontal', 5.0, 'mm',
  1764100800000, 'good', 'ok', 'normal', 'gw-1', 1, 10);
INSERT INTO readings VALUES ('xj-mine', 'mine-1', 'gn-1.horizontal', 'displacement_horizontal', 5.0, 'mm',
  1764100800000, 'good', 'ok', 'normal', 'gw-1', 2, 20);
INSERT INTO readings VALUES ('xj-mine', 'mine-1', 'gn-1.horizontal', 'displacement_horizontal', 5.5, 'mm',
  1764104400000, 'good', 'ok', 'normal', 'gw-1', 2, 20);
PRAGMA user_version = 6;
)sql";
      REQUIRE(sqlite3_exec(h, v6, nullptr, nullptr, nullptr) == SQLITE_OK);
      sqlite3_close(h);
    }
    // WHEN this build opens it
    SqliteStore store(db);
    // THEN the solution is there once (as first stored), the other reading stays
    CHECK(count_rows(db, "PRAGMA user_version") == SqliteStore::schema_version());
    CHECK(count_rows(db, "SELECT COUNT(*) FROM readings") == 2);
    CHECK(count_rows(db, "SELECT seq FROM readings WHERE ts_ms = 1764100800000") == 1);
    // AND the point-and-time index is unique from now on
    CHECK(count_rows(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = "
                         "'readings_by_point_time' AND sql LIKE 'CREATE UNIQUE INDEX%'") == 1);
    store_batch(store, 3, {displacement(5.0, 1'764'100'800'000)});
    CHECK(count_rows(db, "SELECT COUNT(*) FROM readings") == 2);
  }

  TEST_CASE("the delivery mark runs over stored batches only and over what the gateway no longer keeps") {
    TempDir dir;
    SqliteStore store(dir.path() / "agg.sqlite");
    const auto batch = [&](std::uint64_t seq) { store_batch(store, seq, {displacement(1.0, 1'764'100'000'000 + static_cast<std::int64_t>(seq))}); };
    // GIVEN batches 1, 2 and 4 stored: 3 lost on its way
    batch(1);
    CHECK(store.advance_delivery(GW, 0, 1) == 1);
    batch(2);
    CHECK(store.advance_delivery(GW, 0, 2) == 2);
    batch(4);
    // THEN the mark stops before the hole
    CHECK(store.advance_delivery(GW, 0, 4) == 2);
    // AND runs over it once 3 comes again
    batch(3);
    CHECK(store.advance_delivery(GW, 0, 3) == 4);
    // WHEN the gateway dropped 5 and 6 from its full outbox (its oldest is 7)
    batch(7);
    CHECK(store.advance_delivery(GW, 0, 7) == 4);
    CHECK(store.advance_delivery(GW, 7, 7) == 7);
    // AND another gateway starts from its own first batch
    const lookout::wire::GatewayAddress other{"xj-mine", "mine-1", "gw-2"};
    CHECK(store.advance_delivery(other, 0, 40) == 39);
  }

  TEST_CASE("a turn is one transaction: nothing of it is kept when it is rolled back and all when committed") {
    TempDir dir;
    const auto db = dir.path() / "agg.sqlite";
    SqliteStore store(db);
    store.begin_turn();
    store_batch(store, 1, {displacement(1.0, 1'764'100'000'000)});
    CHECK(store.advance_delivery(GW, 0, 1) == 1);
    // another connection does not see it before the commit
    CHECK(count_rows(db, "SELECT COUNT(*) FROM batches") == 0);
    store.rollback_turn();
    CHECK(count_rows(db, "SELECT COUNT(*) FROM batches") == 0);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM deliveries") == 0);
    store.begin_turn();
    store_batch(store, 1, {displacement(1.0, 1'764'100'000'000)});
    store_batch(store, 2, {displacement(2.0, 1'764'100'001'000)});
    // an operation that fails inside the turn is undone alone (its savepoint)
    CHECK_THROWS(store_batch(store, 2, {displacement(3.0, 1'764'100'002'000)}));
    store.commit_turn();
    CHECK(count_rows(db, "SELECT COUNT(*) FROM batches") == 2);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM readings") == 2);
    CHECK_THROWS_AS(store.commit_turn(), std::logic_error);
  }

  TEST_CASE("commits are synced before they return: synchronous is FULL on the store's connection") {
    TempDir dir;
    SqliteStore store(dir.path() / "agg.sqlite");
    CHECK(store.synchronous() == 2);  // SQLite's FULL; NORMAL (1) syncs only at checkpoints
  }
}
