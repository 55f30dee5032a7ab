// Power loss (issue #10, "durable before answered"): the gateway's outbox and the
// aggregator's database on a disk that drops everything not yet synced at the cut
// (tests/support/power_loss_fs.py), cut at random moments 50 times a run on each side; after
// each cut the program is killed (SIGKILL), started again on what the disk kept, and checked.
// The cut moments come from a seeded generator: the seed is printed, and
// LOOKOUT_POWER_LOSS_SEED=N runs the same moments again.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/power_loss_disk.hpp"

using namespace lookout::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// Issue #10: at least 50 cuts a run on the gateway and on the aggregator.
constexpr int CUTS = 50;
/// [ms] A cut comes 0 to this long after the program is up again: long enough to span
/// several of its commits (a batch every 50 ms, an action every 40 ms), short enough that 50
/// cuts stay within the suite's budget.
constexpr int CUT_WITHIN_MS = 400;

std::uint64_t seed() {
  if (const char* s = std::getenv("LOOKOUT_POWER_LOSS_SEED")) return std::stoull(s);
  return std::random_device{}();
}

const std::string GW = Deployment::GATEWAY;
const std::string TOPIC =
    std::string("lookout/v1/") + Deployment::ENTERPRISE + "/" + Deployment::SITE + "/" + Deployment::GATEWAY;

/// A read-only connection, closed on scope exit (nothing may stay open on the disk at a cut).
class ReadOnly {
 public:
  explicit ReadOnly(const fs::path& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
    } else {
      sqlite3_busy_timeout(db_, 5000);  // the program holds its write lock for one commit at most
    }
  }
  ~ReadOnly() { sqlite3_close(db_); }
  ReadOnly(const ReadOnly&) = delete;
  ReadOnly& operator=(const ReadOnly&) = delete;

  /// Every row's first column as text; one "error: ..." row when the query fails.
  std::vector<std::string> rows(const std::string& sql) {
    if (db_ == nullptr) return {"error: cannot open"};
    std::vector<std::string> out;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return {"error: " + std::string(sqlite3_errmsg(db_))};
    int rc = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      const auto* t = sqlite3_column_text(s, 0);
      out.push_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    if (rc != SQLITE_DONE) out = {"error: " + std::string(sqlite3_errmsg(db_))};
    sqlite3_finalize(s);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

/// PRAGMA integrity_check: "ok" when the database is sound, else what is wrong.
std::string integrity_check(const fs::path& file) {
  std::string out;
  for (const auto& r : ReadOnly(file).rows("PRAGMA integrity_check")) out += (out.empty() ? "" : "; ") + r;
  return out;
}

/// One integer; -1 when the query answers nothing or fails.
std::int64_t query_int(const fs::path& file, const std::string& sql) {
  const auto r = ReadOnly(file).rows(sql);
  return r.empty() || r.front().rfind("error", 0) == 0 ? -1 : std::stoll(r.front());
}

/// The integers of the first column.
std::set<std::int64_t> query_set(const fs::path& file, const std::string& sql) {
  std::set<std::int64_t> out;
  for (const auto& r : ReadOnly(file).rows(sql)) {
    if (r.rfind("error", 0) != 0) out.insert(std::stoll(r));
  }
  return out;
}

std::set<std::int64_t> stored_batches(const fs::path& db) {
  return query_set(db, "SELECT seq FROM batches WHERE gateway = '" + GW + "'");
}

/// The highest `stored` the aggregator has published on our gateway's down/ack; 0 if none.
std::int64_t highest_ack(const std::vector<ProbeMessage>& messages) {
  std::int64_t out = 0;
  for (const auto& m : messages) {
    if (m.topic != TOPIC + "/down/ack") continue;
    const auto j = json::parse(m.payload, nullptr, false);
    if (j.is_object() && j.contains("stored") && j["stored"].is_number_integer()) {
      out = std::max(out, j["stored"].get<std::int64_t>());
    }
  }
  return out;
}

/// The seqs from 1 to `last` missing from `have`, as text ("17-19 23"), at most 20 ranges.
std::string holes(const std::set<std::int64_t>& have, std::int64_t last) {
  std::ostringstream out;
  int ranges = 0;
  for (std::int64_t s = 1; s <= last && ranges < 20; ++s) {
    if (have.count(s)) continue;
    std::int64_t e = s;
    while (e + 1 <= last && !have.count(e + 1)) ++e;
    out << (ranges++ ? " " : "") << s;
    if (e > s) out << "-" << e;
    s = e;
  }
  return out.str();
}

void fsync_path(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  CHECK(::fsync(fd) == 0);
  ::close(fd);
}

void write_fd(const fs::path& p, const std::string& text, bool sync, int extra_flags = O_TRUNC) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | extra_flags, 0644);
  REQUIRE(fd >= 0);
  CHECK(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  if (sync) CHECK(::fsync(fd) == 0);
  ::close(fd);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// 100 rows, one transaction each, in WAL mode with the given synchronous setting. The
/// connection is left open, as by a program when the power goes; the caller closes it.
sqlite3* hundred_commits(const fs::path& file, const std::string& synchronous) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  const std::string setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + synchronous + "; CREATE TABLE t (x);";
  CHECK(sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  for (int i = 0; i < 100; ++i) {
    CHECK(sqlite3_exec(db, ("INSERT INTO t VALUES (" + std::to_string(i) + ")").c_str(), nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  }
  return db;
}

/// True when opening the file fails with EIO: the disk is gone.
bool disk_gone(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  const int err = errno;
  if (fd >= 0) ::close(fd);
  return fd < 0 && err == EIO;
}

/// How many of the seqs from 1 to `last` are missing from `have`.
std::int64_t count_missing(const std::set<std::int64_t>& have, std::int64_t last) {
  std::int64_t n = 0;
  for (std::int64_t q = 1; q <= last; ++q) n += !have.count(q);
  return n;
}

/// Shelves and unshelves an alarm on a thread of its own, one action every 40 ms (the API
/// allows 50 requests a second per client), and keeps what each answer was.
class Operator {
 public:
  Operator(int http_port, std::string token, std::int64_t alarm, std::string tag)
      : port_(http_port), token_(std::move(token)), alarm_(alarm), tag_(std::move(tag)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Operator() { stop(); }
  Operator(const Operator&) = delete;
  Operator& operator=(const Operator&) = delete;

  /// The comments of the actions answered 200 so far.
  std::vector<std::string> answered() {
    std::lock_guard<std::mutex> g(mutex_);
    return answered_;
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    bool shelved = false;
    for (int n = 1; !stop_; ++n) {
      const std::string comment = tag_ + " action " + std::to_string(n);
      const std::string action = shelved ? "unshelve" : "shelve";
      const json body = shelved ? json{{"comment", comment}} : json{{"comment", comment}, {"duration_s", 3600}};
      try {
        // From 127.0.0.2: a client of its own to the rate limit, apart from the test's reads.
        const auto r = http_request(port_, "POST", "/api/v1/alarms/" + std::to_string(alarm_) + "/" + action,
                                    body.dump(), token_, "127.0.0.2");
        if (r.status == 200) {
          std::lock_guard<std::mutex> g(mutex_);
          answered_.push_back(comment);
          shelved = json::parse(r.body)["state"] == "shelved";
        } else if (r.status == 409) {
          shelved = !shelved;  // the alarm was not in the state we thought
        }
      } catch (const std::exception&) {
        // the aggregator is gone (killed after the cut): nothing was answered
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
  }

  int port_;
  std::string token_;
  std::int64_t alarm_;
  std::string tag_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> answered_;
  std::thread thread_;
};

/// The id of the open alarm of ch4-1.ch4, waiting for it; -1 if none comes.
std::int64_t open_ch4_alarm(Deployment& d) {
  std::int64_t id = -1;
  eventually(
      [&] {
        const auto r = http_request(d.http_port, "GET", "/api/v1/alarms", "", d.token);
        if (r.status != 200) return false;
        const auto all = json::parse(r.body);
        for (const auto& a : all["alarms"]) {
          if (a["point"] == "ch4-1.ch4") id = a["id"].get<std::int64_t>();
        }
        return id >= 0;
      },
      HUNG_RUN);
  return id;
}

struct Totals {
  CutFigures dropped;
  void add(const CutFigures& f) {
    dropped.writes += f.writes;
    dropped.bytes += f.bytes;
    dropped.names += f.names;
  }
};

}  // namespace

TEST_SUITE("integration.power_loss") {
  TEST_CASE("the power-loss disk keeps what was synced and drops the rest") {
    PowerLossDisk disk;
    const auto m = disk.path();
    const auto b = disk.backing();
    // GIVEN a file written and synced and one written and not synced, both named durably by
    // a directory sync
    write_fd(m / "synced", "kept", true);
    write_fd(m / "unsynced", "lost", false);
    fsync_path(m);
    // AND then more data not synced, a file created and synced without a directory sync, and
    // a rename without one
    write_fd(m / "synced", " and lost", false, O_APPEND);
    write_fd(m / "unnamed", "no name", true);
    fs::rename(m / "unsynced", m / "renamed");
    CHECK(read_text(m / "synced") == "kept and lost");
    // WHEN the power goes
    const auto lost = disk.cut();
    CHECK(lost.writes == 2);
    CHECK(lost.names == 2);
    CHECK(disk_gone(m / "synced"));
    disk.unmount();
    // THEN the disk holds each file as at its last sync, under the names last synced
    CHECK(read_text(b / "synced") == "kept");
    CHECK(fs::exists(b / "unsynced"));
    CHECK(fs::file_size(b / "unsynced") == 0);
    CHECK(!fs::exists(b / "renamed"));
    CHECK(!fs::exists(b / "unnamed"));

    // GIVEN the disk back, and two databases of 100 commits each, synchronous NORMAL then FULL
    disk.mount();
    CHECK(read_text(m / "synced") == "kept");
    sqlite3* normal = hundred_commits(m / "normal.db", "NORMAL");
    sqlite3* full = hundred_commits(m / "full.db", "FULL");
    // WHEN the power goes
    disk.cut();
    sqlite3_close(normal);
    sqlite3_close(full);
    disk.unmount();
    // THEN the FULL one has every commit. The NORMAL one syncs its WAL only at checkpoints:
    // its file is there (named by the directory sync SQLite makes when the FULL one's WAL
    // is first synced, a journal commit of every name before it) but its table is not
    CHECK(integrity_check(b / "full.db") == "ok");
    CHECK(query_int(b / "full.db", "SELECT COUNT(*) FROM t") == 100);
    CHECK(fs::exists(b / "normal.db"));
    CHECK(integrity_check(b / "normal.db") == "ok");
    CHECK(query_int(b / "normal.db", "SELECT COUNT(*) FROM t") == -1);
  }

  TEST_CASE("gateway: 50 power cuts lose no batch it made and reuse no sequence number") {
    const auto s = seed();
    MESSAGE("seed " << s << " (LOOKOUT_POWER_LOSS_SEED=" << s << " cuts at the same moments again)");
    std::mt19937_64 rng(s);
    std::uniform_int_distribution<int> moment(0, CUT_WITHIN_MS);
    const auto started = std::chrono::steady_clock::now();

    PowerLossDisk disk;  // before the deployment: its programs stop before the disk goes
    Deployment d({.poll_ms = 100, .publish_interval_ms = 50, .gateway_data_dir = disk.path()});
    MqttProbe wire(d.broker->uri(), TOPIC + "/#");
    const auto outbox = disk.path() / "outbox.sqlite";
    const auto boot_of = [&] { return query_int(outbox, "SELECT value FROM meta WHERE key = 'boot'"); };
    const auto seq_of = [&] { return query_int(outbox, "SELECT value FROM meta WHERE key = 'seq'"); };

    // Every batch seen, in the outbox or on the wire: a seq must always carry the same readings.
    std::map<std::int64_t, json> made;
    int reused = 0;
    const auto seen = [&](std::int64_t seq, const json& readings, const char* where) {
      const auto [it, fresh] = made.emplace(seq, readings);
      if (!fresh && it->second != readings) {
        ++reused;
        FAIL_CHECK("seq " << seq << " carried other readings " << where << ":\n"
                          << readings.dump() << "\nthan before:\n" << it->second.dump());
      }
    };

    REQUIRE(eventually([&] { return boot_of() == 1; }, HUNG_RUN));
    std::int64_t boot = 1;
    Totals totals;
    for (int cut = 1; cut <= CUTS; ++cut) {
      INFO("cut " << cut << " (seed " << s << ")");
      // GIVEN a gateway polling and sending, its outbox on the disk
      std::this_thread::sleep_for(std::chrono::milliseconds(moment(rng)));
      // What it holds now is committed, so synced (synchronous=FULL): it must survive.
      const auto held = queued_batches(disk.path());
      for (const auto& b : held) seen(b.seq, b.readings, "in the outbox before the cut");
      const auto last_seq = seq_of();
      // WHEN the power goes, the gateway dies with it and starts again on what the disk kept
      totals.add(disk.cut());
      d.gateway->kill_hard();
      disk.power_on_again();
      d.start_gateway();
      // THEN it counts one boot more, its outbox is sound, the sequence goes on from where
      // it was, and every batch made before the cut is still in the outbox (as it was) or
      // stored by the aggregator: none that was committed is lost
      REQUIRE_MESSAGE(eventually([&] { return boot_of() > boot; }, HUNG_RUN), d.gateway->stderr_text());
      CHECK(boot_of() == boot + 1);
      boot = boot_of();
      CHECK(integrity_check(outbox) == "ok");
      CHECK(seq_of() >= last_seq);
      std::vector<std::int64_t> missing;
      // Eventually: under a contract where the broker's acknowledgement empties the outbox, a
      // batch may be on its way to the aggregator a while.
      eventually(
          [&] {
            missing.clear();
            std::set<std::int64_t> now;
            for (const auto& b : queued_batches(disk.path())) now.insert(b.seq);
            const auto stored = stored_batches(d.database());
            for (std::int64_t q = 1; q <= last_seq; ++q) {
              if (!now.count(q) && !stored.count(q)) missing.push_back(q);
            }
            return missing.empty();
          },
          HUNG_RUN);
      CHECK_MESSAGE(missing.empty(), missing.size() << " of the batches 1-" << last_seq
                                                    << " made before the cut are neither in the outbox nor stored, "
                                                       "the first seq "
                                                    << (missing.empty() ? 0 : missing.front()));
      for (const auto& b : queued_batches(disk.path())) seen(b.seq, b.readings, "in the outbox after the cut");
    }

    // AND every batch that went on the wire carried one content per seq, and all of them,
    // from the first to the last, reach the aggregator
    for (const auto& m : wire.messages()) {
      if (m.topic != TOPIC + "/up/readings") continue;
      const auto j = json::parse(m.payload);
      seen(j["seq"].get<std::int64_t>(), j["readings"], "on the wire");
    }
    const auto last = seq_of();
    std::set<std::int64_t> stored;
    const bool all = eventually(
        [&] {
          stored = stored_batches(d.database());
          return !stored.empty() && *stored.rbegin() >= last && holes(stored, last).empty();
        },
        HUNG_RUN);
    CHECK_MESSAGE(all, "batches 1-" << last << " not stored: " << holes(stored, last));
    const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    MESSAGE("gateway: " << CUTS << " cuts, " << CUTS << " kills and restarts survived in " << took << " s; batches made "
                        << last << ", stored " << (last - count_missing(stored, last)) << ", lost "
                        << count_missing(stored, last)
                        << ", seqs reused " << reused << "; the cuts dropped " << totals.dropped.writes << " writes ("
                        << totals.dropped.bytes << " bytes) and " << totals.dropped.names << " names not yet synced");
  }

  TEST_CASE("aggregator: 50 power cuts lose no action it answered and no batch it acknowledged") {
    const auto s = seed();
    MESSAGE("seed " << s << " (LOOKOUT_POWER_LOSS_SEED=" << s << " cuts at the same moments again)");
    std::mt19937_64 rng(s);
    std::uniform_int_distribution<int> moment(0, CUT_WITHIN_MS);
    const auto started = std::chrono::steady_clock::now();

    PowerLossDisk disk;  // before the deployment: its programs stop before the disk goes
    Deployment d({.poll_ms = 100, .publish_interval_ms = 50, .database = disk.path() / "lookout.db"});
    MqttProbe acks(d.broker->uri(), TOPIC + "/down/ack");
    const auto db = d.database();
    // An orange methane alarm to shelve and unshelve: the actions people take.
    d.sim_set("ch4-1", "ch4", "1.20");

    Totals totals;
    std::size_t answered_total = 0, actions_lost = 0, acked_lost = 0, shown_lost = 0;
    std::int64_t acked_most = 0;
    for (int cut = 1; cut <= CUTS; ++cut) {
      INFO("cut " << cut << " (seed " << s << ")");
      // GIVEN the aggregator storing batches while an operator shelves and unshelves
      const auto alarm = open_ch4_alarm(d);
      REQUIRE_MESSAGE(alarm >= 0, "no methane alarm to act on; aggregator log:\n" << d.aggregator->stderr_text());
      Operator person(d.http_port, d.token, alarm, "power cut " + std::to_string(cut));
      std::this_thread::sleep_for(std::chrono::milliseconds(moment(rng)));
      // What was answered, acknowledged and readable before the cut: each must survive it.
      const auto answered = person.answered();
      const auto acked = highest_ack(acks.messages());
      const auto shown = stored_batches(db);
      // WHEN the power goes, the aggregator dies with it and starts again on what the disk kept
      totals.add(disk.cut());
      d.aggregator->kill_hard();
      person.stop();
      disk.power_on_again();
      d.start_aggregator();
      // THEN its database is sound and holds every action it answered 200 and every batch it
      // acknowledged or had shown as stored
      CHECK(integrity_check(db) == "ok");
      std::vector<std::string> gone;
      for (const auto& c : answered) {
        if (query_int(db, "SELECT COUNT(*) FROM alarm_events WHERE comment = '" + c + "'") != 1) gone.push_back(c);
      }
      CHECK_MESSAGE(gone.empty(), gone.size() << " of " << answered.size()
                                              << " actions answered 200 before the cut are not stored, the first '"
                                              << (gone.empty() ? "" : gone.front()) << "'");
      const auto stored = stored_batches(db);
      const auto unacked = holes(stored, acked);
      CHECK_MESSAGE(unacked.empty(), "acknowledged up to " << acked << " before the cut; not stored: " << unacked);
      std::size_t vanished = 0;
      for (const auto seq : shown) vanished += !stored.count(seq);
      CHECK_MESSAGE(vanished == 0, vanished << " of " << shown.size() << " batches stored before the cut are gone");
      answered_total += answered.size();
      actions_lost += gone.size();
      acked_lost += static_cast<std::size_t>(count_missing(stored, acked));
      shown_lost += vanished;
      acked_most = std::max(acked_most, acked);
    }

    // AND it acknowledged what it stored (protocol.md, Acknowledgements), and every batch the
    // gateway made reaches it in the end: the gateway kept what was not acknowledged
    CHECK_MESSAGE(acked_most > 0, "the aggregator never published on " << TOPIC << "/down/ack");
    const auto outbox = d.gateway_data_dir() / "outbox.sqlite";
    const auto last = query_int(outbox, "SELECT value FROM meta WHERE key = 'seq'");
    std::set<std::int64_t> stored;
    const bool all = eventually(
        [&] {
          stored = stored_batches(db);
          return !stored.empty() && *stored.rbegin() >= last && holes(stored, last).empty();
        },
        HUNG_RUN);
    CHECK_MESSAGE(all, "batches 1-" << last << " not stored: " << holes(stored, last));
    const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto lost = count_missing(stored, last);
    MESSAGE("aggregator: " << CUTS << " cuts, " << CUTS << " kills and restarts in " << took << " s; actions answered "
                           << answered_total << ", lost " << actions_lost << "; batches acknowledged up to "
                           << acked_most << ", of them lost " << acked_lost << "; stored and shown before a cut, lost "
                           << shown_lost << "; batches made " << last << ", stored " << (last - lost) << ", lost "
                           << lost << "; the cuts dropped " << totals.dropped.writes << " writes ("
                           << totals.dropped.bytes << " bytes) and " << totals.dropped.names
                           << " names not yet synced");
  }
}
