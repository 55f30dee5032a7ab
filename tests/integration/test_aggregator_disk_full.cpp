// An aggregator whose database disk fills up (issue #10.4): it refuses what it cannot store,
// so the gateway keeps those batches; /healthz answers 503, the log says so once, /metrics
// counts it, and an alarm-system fault stands at the site (in memory: the database cannot
// take it). When room comes back it resumes by itself: every batch from the first to the
// last is stored, and the fault returns to normal, stored. The database is on a small tmpfs
// (tests/support/small_disk.hpp: root only, as in CI; elsewhere this test fails saying so).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/small_disk.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

const std::string OWN_ALARM = "lookout/v1/xj-mine/mine-1/alarms/aggregator.storage/system_fault";

/// How many lines of `text` contain `needle`.
std::size_t lines_with(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

/// The value of a metric without labels in a /metrics answer; -1 when absent.
double metric(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

/// The alarm messages `probe` has seen on the aggregator's own storage alarm, decoded.
std::vector<json> own_alarms(MqttProbe& probe) {
  std::vector<json> out;
  for (const auto& m : probe.messages()) {
    if (m.topic == OWN_ALARM) out.push_back(json::parse(m.payload));
  }
  return out;
}

}  // namespace

TEST_SUITE("integration.aggregator_disk_full") {
  TEST_CASE("an aggregator whose disk is full refuses - says so - raises a system fault - resumes with nothing lost") {
    TempDir disk_dir;
    // 16 MiB: the database and its write-ahead log for the whole test, with room to spare
    // until the test fills it.
    SmallDisk disk(disk_dir / "db", 16 << 20);
    Deployment d({.database = disk.path() / "lookout.db"});
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 5; }, HUNG_RUN));

    // WHEN the disk fills up. First the write-ahead log is checkpointed and cut to nothing
    // (a second connection may do that), so that the next write needs it to grow.
    {
      sqlite3* db = nullptr;
      REQUIRE(sqlite3_open_v2(d.database().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
      sqlite3_busy_timeout(db, 5000);  // the aggregator holds its write lock for one turn at most
      const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
      sqlite3_close(db);
      REQUIRE_MESSAGE(rc == SQLITE_OK, "checkpoint of the database: " << sqlite3_errstr(rc));
    }
    MESSAGE("filled the aggregator's disk with " << disk.fill() << " bytes");
    const auto stored_before = d.stored_seqs();

    // THEN /healthz says the database is not writable
    REQUIRE_MESSAGE(eventually([&] { return http_request(d.http_port, "GET", "/healthz").status == 503; }, HUNG_RUN),
                    d.aggregator->stderr_text());
    CHECK(http_request(d.http_port, "GET", "/healthz").body.find("database") != std::string::npos);
    // AND a yellow system fault stands at the site, on its retained topic and in the live alarms
    REQUIRE_MESSAGE(eventually(
                        [&] {
                          const auto a = own_alarms(probe);
                          return !a.empty() && a.back()["level"] == "yellow";
                        },
                        HUNG_RUN),
                    d.aggregator->stderr_text());
    const auto raised = own_alarms(probe).back();
    CHECK(raised["state"] == "active_unacknowledged");
    CHECK(raised["kind"] == "system_fault");
    CHECK(raised["rule"] == "aggregator.write_refused");
    const auto live = json::parse(http_request(d.http_port, "GET", "/api/v1/alarms?kind=system_fault", "", d.token).body);
    REQUIRE(live["alarms"].size() == 1);
    CHECK(live["alarms"][0]["point"] == "aggregator.storage");
    CHECK(live["alarms"][0]["id"] == raised["id"]);
    // AND the gateway keeps what is refused: batches past the last stored pile up in its outbox
    const std::int64_t last_stored = stored_before.empty() ? 0 : stored_before.back();
    REQUIRE_MESSAGE(eventually(
                        [&] {
                          const auto box = d.outbox();
                          return std::count_if(box.begin(), box.end(),
                                               [&](const QueuedBatch& b) { return b.seq > last_stored; }) >= 10;
                        },
                        HUNG_RUN),
                    d.gateway->stderr_text());
    // AND /metrics counts the refusals
    auto metrics = http_request(d.http_port, "GET", "/metrics", "", d.token).body;
    CHECK(metric(metrics, "lookout_store_ok") == 0);
    CHECK(metric(metrics, "lookout_store_failures_total") >= 1);
    // AND the log said it once, not once per refused turn
    CHECK(lines_with(d.aggregator->stderr_text(), "not stored") == 1);

    // WHEN room comes back
    disk.free();
    // THEN it resumes by itself: /healthz is ok again, the fault returns to normal
    REQUIRE_MESSAGE(eventually([&] { return http_request(d.http_port, "GET", "/healthz").status == 200; }, HUNG_RUN),
                    d.aggregator->stderr_text());
    REQUIRE(eventually([&] { return own_alarms(probe).back()["level"] == "normal"; }, HUNG_RUN));
    const auto returned = own_alarms(probe).back();
    CHECK(returned["state"] == "returned_unacknowledged");
    CHECK(returned["id"] == raised["id"]);
    metrics = http_request(d.http_port, "GET", "/metrics", "", d.token).body;
    CHECK(metric(metrics, "lookout_store_ok") == 1);
    CHECK(lines_with(d.aggregator->stderr_text(), "the database takes writes again") == 1);
    // AND nothing was lost: every batch the gateway made up to now is stored
    const auto box = d.outbox();
    const std::int64_t upto = box.empty() ? d.stored_seqs().back() : box.back().seq;
    const bool whole = eventually(
        [&] {
          const auto seqs = d.stored_seqs();
          const std::set<std::int64_t> have(seqs.begin(), seqs.end());
          for (std::int64_t s = 1; s <= upto; ++s) {
            if (!have.contains(s)) return false;
          }
          return true;
        },
        HUNG_RUN);
    CHECK_MESSAGE(whole, "batches 1 to " << upto << " not all stored; aggregator log:\n"
                                         << d.aggregator->stderr_text());
    MESSAGE("batches " << upto << ", stored before the disk filled " << stored_before.size() << ", refused "
                       << metric(metrics, "lookout_store_failures_total") << " times");
    // AND the fault's occurrence is stored whole, raised and returned, for a person to acknowledge
    CHECK(d.query("SELECT COUNT(*) FROM alarm_events WHERE alarm_id = " + std::to_string(raised["id"].get<long>())) ==
          2);
  }
}
