// readings_bench: how long a point's readings take to page through, and retention to
// prune, with a history of a realistic size (design.md "History at scale").
//
//   readings_bench [--readings N] [--points P] [--db FILE] [--before]
//
// Builds FILE (default: a new file in $TMPDIR) through SqliteStore::ingest, N readings
// (default 2,000,000) of P points (default 1,000), one a minute per point, 1,000 readings a
// transaction, and prints the insert rate over the last 10 % of them; then times reading a
// point's history in pages of 1,000, from its start and from its end, and one retention
// run that summarises and deletes the oldest hour.
//
// --before drops the readings_by_point_time index (migration 4) after opening and runs the
// paging and pruning SQL as it was before that migration, verbatim: the "before" figures.

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "aggregator/sqlite_store.hpp"

using namespace lookout::aggregator;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t T0 = 1764000000000;  // [ms UTC]
constexpr std::int64_t MINUTE = 60'000;
constexpr int PAGE = 1000;
const lookout::wire::GatewayAddress GW{"bench-ent", "bench-site", "gw-1"};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string point_name(int i) { return "dev-" + std::to_string(i) + ".level"; }

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error(std::string(sql) + ": " + why);
  }
}

/// The paging query before migration 4, verbatim; returns the rows read.
int old_page(sqlite3* db, const PointKey& p, std::int64_t& after_ts, std::int64_t& after_row) {
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT quantity, value, unit, ts_ms, quality, status, level, gateway, received_ms, rowid "
                     "FROM readings WHERE enterprise=?1 AND site=?2 AND point=?3 AND ts_ms BETWEEN ?4 AND ?5 "
                     "AND (ts_ms, rowid) > (?6, ?7) ORDER BY ts_ms, rowid LIMIT ?8",
                     -1, &s, nullptr);
  sqlite3_bind_text(s, 1, p.enterprise.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, p.site.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 3, p.point.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 4, 0);
  sqlite3_bind_int64(s, 5, std::numeric_limits<std::int64_t>::max());
  sqlite3_bind_int64(s, 6, after_ts);
  sqlite3_bind_int64(s, 7, after_row);
  sqlite3_bind_int64(s, 8, PAGE);
  int n = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    after_ts = sqlite3_column_int64(s, 3);
    after_row = sqlite3_column_int64(s, 9);
    ++n;
  }
  sqlite3_finalize(s);
  return n;
}

/// Retention before migration 4, verbatim (the hourly table's own pruning left out: it is
/// the same before and after).
std::int64_t old_prune(sqlite3* db, std::int64_t cutoff) {
  exec(db, "BEGIN IMMEDIATE");
  const std::string c = std::to_string(cutoff);
  exec(db, ("INSERT INTO readings_hourly (enterprise, site, point, quantity, unit, hour_ms, n, v_min, "
            "v_max, v_sum) SELECT enterprise, site, point, quantity, unit, (ts_ms / 3600000) * 3600000 "
            "AS h, COUNT(*), MIN(value), MAX(value), SUM(value) FROM readings WHERE ts_ms < " + c + " AND "
            "value IS NOT NULL AND quality != 'bad' GROUP BY enterprise, site, point, h "
            "ON CONFLICT (enterprise, site, point, hour_ms) DO UPDATE SET n = n + excluded.n, "
            "v_min = MIN(v_min, excluded.v_min), v_max = MAX(v_max, excluded.v_max), "
            "v_sum = v_sum + excluded.v_sum").c_str());
  exec(db, ("DELETE FROM readings WHERE ts_ms < " + c).c_str());
  const std::int64_t deleted = sqlite3_changes(db);
  exec(db, "COMMIT");
  return deleted;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t total = 2'000'000;
  int points = 1000;
  bool before = false;
  std::filesystem::path file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--readings" && i + 1 < argc) {
      total = std::atoll(argv[++i]);
    } else if (a == "--points" && i + 1 < argc) {
      points = std::atoi(argv[++i]);
    } else if (a == "--db" && i + 1 < argc) {
      file = argv[++i];
    } else if (a == "--before") {
      before = true;
    } else {
      std::fprintf(stderr, "usage: readings_bench [--readings N] [--points P] [--db FILE] [--before]\n");
      return 2;
    }
  }
  if (total < points || points < 1) {
    std::fprintf(stderr, "readings_bench: --readings must be at least --points, and --points at least 1\n");
    return 2;
  }
  if (file.empty()) {
    file = std::filesystem::temp_directory_path() / ("readings_bench_" + std::to_string(::getpid()) + ".db");
  }
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + ext);

  try {
    SqliteStore store(file);
    sqlite3* db = nullptr;
    sqlite3_open(file.c_str(), &db);
    sqlite3_busy_timeout(db, 5000);
    if (before) exec(db, "DROP INDEX readings_by_point_time");

    // Build: readings in time order, `points` at each minute, 1,000 to a batch.
    const std::int64_t minutes = total / points;
    lookout::wire::ReadingsBatch batch;
    std::uint64_t seq = 0;
    std::int64_t stored = 0;
    const std::int64_t tail_from = total - total / 10;
    Clock::time_point tail_start = Clock::now();
    const auto flush = [&](std::int64_t received) {
      if (batch.readings.empty()) return;
      batch.seq = ++seq;
      IngestRecord rec{GW, &batch, received, {}, {}, {}, {}, {}, false};
      store.ingest(rec);
      stored += static_cast<std::int64_t>(batch.readings.size());
      batch.readings.clear();
    };
    const auto build_start = Clock::now();
    for (std::int64_t m = 0; m < minutes; ++m) {
      for (int p = 0; p < points; ++p) {
        if (stored + static_cast<std::int64_t>(batch.readings.size()) == tail_from) tail_start = Clock::now();
        lookout::wire::Reading r{point_name(p), "water_level", 50.0 + static_cast<double>(m % 100) / 10, "m",
                                 T0 + m * MINUTE, lookout::wire::Quality::good, lookout::wire::DeviceStatus::ok};
        batch.readings.push_back(std::move(r));
        if (batch.readings.size() == 1000) flush(T0 + m * MINUTE);
      }
    }
    flush(T0 + minutes * MINUTE);
    const double tail_s = seconds_since(tail_start);
    std::printf("schema: %s\n", before ? "before migration 4 (no readings_by_point_time)" : "with migration 4");
    std::printf("built %lld readings of %d points in %.1f s; last %lld at %.0f readings/s\n",
                static_cast<long long>(stored), points, seconds_since(build_start),
                static_cast<long long>(total - tail_from), static_cast<double>(total - tail_from) / tail_s);

    // Paging: the first 5 pages of three points, then the last page of each.
    const std::vector<PointKey> probe{{GW.enterprise, GW.site, point_name(0)},
                                      {GW.enterprise, GW.site, point_name(points / 2)},
                                      {GW.enterprise, GW.site, point_name(points - 1)}};
    int pages = 0;
    double worst = 0;
    const auto paging_start = Clock::now();
    for (const auto& p : probe) {
      std::int64_t after_ts = std::numeric_limits<std::int64_t>::min();
      std::int64_t after_row = 0;
      for (int i = 0; i < 5; ++i) {
        const auto t = Clock::now();
        int n = 0;
        if (before) {
          n = old_page(db, p, after_ts, after_row);
        } else {
          const auto rows = store.readings(p, 0, std::numeric_limits<std::int64_t>::max(), after_ts, after_row, PAGE);
          n = static_cast<int>(rows.size());
          if (n > 0) {
            after_ts = rows.back().reading.ts_ms;
            after_row = rows.back().row;
          }
        }
        worst = std::max(worst, seconds_since(t));
        ++pages;
        if (n < PAGE) break;
      }
    }
    std::printf("paging: %d pages of up to %d readings, %.4f s a page on average, worst %.4f s\n", pages, PAGE,
                seconds_since(paging_start) / pages, worst);

    // Retention: the oldest hour goes.
    const std::int64_t now = T0 + minutes * MINUTE;
    const std::int64_t keep = now - (T0 + 60 * MINUTE);
    const auto prune_start = Clock::now();
    std::int64_t deleted = 0;
    if (before) {
      deleted = old_prune(db, now - keep);
    } else {
      deleted = store.prune(now, keep, std::int64_t{730} * 86'400'000).readings_deleted;
    }
    std::printf("prune: the oldest hour (%lld readings deleted) in %.3f s\n", static_cast<long long>(deleted),
                seconds_since(prune_start));
    sqlite3_close(db);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "readings_bench: %s\n", e.what());
    return 1;
  }
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + ext);
  return 0;
}
