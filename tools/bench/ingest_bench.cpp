// ingest_bench: what durable ingest costs (issue #10: "durable before answered"), through
// Ingest and SqliteStore as the aggregator runs them.
//
//   ingest_bench [--batches N] [--readings R] [--turn T] [--normal] [--db FILE]
//
// Feeds N batches (default 5,000) of R readings each (default 10: ten methane points of one
// gateway, below every line) into a new database (default: a new file in $TMPDIR), T
// batches a transaction as the aggregator's turns do (default 64; 0: each batch commits on
// its own, as when a turn cannot open), and prints batches and readings a second. --normal
// lowers the connection to synchronous=NORMAL, which the programs never run with: the
// figure before durability (a commit synced only at checkpoints).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "aggregator/ingest.hpp"
#include "aggregator/sqlite_store.hpp"

using namespace lookout::aggregator;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t T0 = 1764000000000;  // [ms UTC]
const std::string TOPIC = "lookout/v1/bench-ent/bench-site/gw-1/up/readings";

std::string batch(std::uint64_t seq, int readings) {
  nlohmann::json arr = nlohmann::json::array();
  const std::int64_t ts = T0 + static_cast<std::int64_t>(seq) * 1000;
  for (int i = 0; i < readings; ++i) {
    arr.push_back({{"point", "ch4-" + std::to_string(i) + ".ch4"},
                   {"quantity", "methane"},
                   {"value", 0.2 + 0.01 * static_cast<double>(seq % 10)},
                   {"unit", "%CH4"},
                   {"ts", ts},
                   {"quality", "good"}});
  }
  return nlohmann::json{{"v", 1}, {"gateway", "gw-1"}, {"seq", seq}, {"boot", 1}, {"readings", arr}}.dump();
}

int int_arg(int argc, char** argv, int& i, const char* name) {
  if (i + 1 >= argc) throw std::invalid_argument(std::string(name) + " wants a number");
  const int v = std::atoi(argv[++i]);
  if (v < 0) throw std::invalid_argument(std::string(name) + " wants a number >= 0");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int batches = 5000;
  int readings = 10;
  int turn = 64;
  bool normal = false;
  std::filesystem::path db;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--batches") {
        batches = int_arg(argc, argv, i, "--batches");
      } else if (a == "--readings") {
        readings = int_arg(argc, argv, i, "--readings");
      } else if (a == "--turn") {
        turn = int_arg(argc, argv, i, "--turn");
      } else if (a == "--normal") {
        normal = true;
      } else if (a == "--db" && i + 1 < argc) {
        db = argv[++i];
      } else {
        throw std::invalid_argument("unknown argument " + a +
                                    " (--batches N --readings R --turn T --normal --db FILE)");
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ingest_bench: %s\n", e.what());
    return 2;
  }
  const bool temporary = db.empty();
  if (temporary) {
    const char* tmp = std::getenv("TMPDIR");
    db = std::filesystem::path(tmp ? tmp : "/tmp") / ("ingest_bench." + std::to_string(getpid()) + ".db");
  }
  std::filesystem::remove(db);
  AggregatorConfig config;
  config.database = db;
  {
    SqliteStore store(db);
    if (normal) store.relax_sync_for_bench();
    Ingest ingest(config, store);
    const auto start = Clock::now();
    for (int seq = 1; seq <= batches;) {
      if (turn > 0) store.begin_turn();
      const int end = turn > 0 ? std::min(batches, seq + turn - 1) : seq;
      for (; seq <= end; ++seq) {
        const auto r = ingest.handle(TOPIC, batch(static_cast<std::uint64_t>(seq), readings), T0 + seq * 1000LL + 50);
        if (r.outcome != IngestResult::Outcome::accepted) {
          std::fprintf(stderr, "ingest_bench: batch %d not accepted: %s\n", seq, r.reason.c_str());
          return 1;
        }
      }
      if (turn > 0) store.commit_turn();
    }
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("synchronous=%s, %d batch(es) a transaction: %d batches of %d readings in %.2f s: %.0f batches/s, "
                "%.0f readings/s\n",
                normal ? "NORMAL" : "FULL", turn > 0 ? turn : 1, batches, readings, s, batches / s,
                batches * static_cast<double>(readings) / s);
  }
  if (temporary) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
  }
  return 0;
}
