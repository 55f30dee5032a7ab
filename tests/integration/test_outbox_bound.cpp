// An outage longer than the gateway's outbox can hold (issue #10, the proving suite): the
// outbox stays within its bound by dropping the oldest batches, counts what it dropped in
// its status, and when the broker is back the aggregator records the hole as a sequence gap
// and stores every batch after it. The bound is the least the site file allows (100
// readings) so that the outage lasts seconds.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <set>

#include <nlohmann/json.hpp>

#include "firmware/wire/messages.hpp"
#include "tests/support/deployment.hpp"

using namespace lookout::test;

namespace {

constexpr const char* STATUS = "lookout/v1/xj-mine/mine-1/gw-1/up/status";
constexpr std::size_t BOUND = 100;  ///< outbox_max_readings

/// Readings in an outbox as it is now.
std::size_t readings_in(const std::vector<QueuedBatch>& box) {
  std::size_t n = 0;
  for (const auto& b : box) n += b.readings.size();
  return n;
}

/// The sequence gaps the aggregator recorded for our gateway: (from, to) in order.
std::vector<std::pair<std::int64_t, std::int64_t>> gaps(const Deployment& d) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(d.database().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT from_seq, to_seq FROM sequence_gaps WHERE gateway = 'gw-1' ORDER BY from_seq",
                           -1, &s, nullptr) == SQLITE_OK) {
      while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_SUITE("integration.outbox_bound") {
  TEST_CASE("an outage past the outbox's bound drops the oldest - counts them - the aggregator records the gap") {
    Deployment d({.poll_ms = 100, .gateway_toml = "outbox_max_readings = " + std::to_string(BOUND) + "\n"});
    MqttProbe probe(d.broker->uri(), STATUS, true);  // kept by the broker across its restart
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 3; }, HUNG_RUN));

    // WHEN the broker is away until the outbox has dropped 20 batches past the last stored
    d.broker->stop();
    const auto before = d.stored_seqs();
    const std::int64_t last_stored = *std::max_element(before.begin(), before.end());
    std::size_t fullest = 0;
    const bool dropped = eventually(
        [&] {
          const auto box = d.outbox();
          fullest = std::max(fullest, readings_in(box));
          return !box.empty() && box.front().seq > last_stored + 20;
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(dropped, "the outbox dropped nothing; gateway log:\n" << d.gateway->stderr_text());
    // THEN it never held more than its bound
    CHECK(fullest <= BOUND);
    CHECK(fullest >= BOUND - 10);  // and it was full: a batch holds a few readings

    // WHEN the broker is back
    d.broker->start();
    // THEN the gateway's status counts the readings it dropped
    const auto status = probe.wait_for(
        [](const ProbeMessage& m) {
          auto s = lookout::wire::decode_status(m.payload);
          const auto* st = std::get_if<lookout::wire::GatewayStatus>(&s);
          return st != nullptr && st->online && st->dropped_readings > 0;
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(status, "no status counting dropped readings; gateway log:\n" << d.gateway->stderr_text());
    const auto counted = std::get<lookout::wire::GatewayStatus>(lookout::wire::decode_status(status->payload));

    // AND the aggregator stores everything after the hole and records the hole, once: the
    // dropped were the oldest, nothing after them is missing
    const auto box = d.outbox();
    const std::int64_t newest = box.empty() ? 0 : box.back().seq;
    REQUIRE(newest > 0);
    std::vector<std::int64_t> missing;
    const bool settled = eventually(
        [&] {
          const auto seqs = d.stored_seqs();
          const std::set<std::int64_t> have(seqs.begin(), seqs.end());
          missing.clear();
          for (std::int64_t s = 1; s <= newest; ++s) {
            if (!have.contains(s)) missing.push_back(s);
          }
          return !missing.empty() && have.contains(newest) && gaps(d).size() == 1;
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(settled, missing.size() << " missing, gaps recorded " << gaps(d).size() << "; aggregator log:\n"
                                            << d.aggregator->stderr_text());
    // one run of missing batches, right after those stored before the outage
    CHECK(missing.front() > last_stored);
    CHECK(missing.back() - missing.front() + 1 == static_cast<std::int64_t>(missing.size()));
    const auto g = gaps(d).front();
    CHECK(g.first == missing.front());
    CHECK(g.second == missing.back());
    // the status counts at least a reading per dropped batch
    CHECK(counted.dropped_readings >= missing.size());
    MESSAGE("outbox at most " << fullest << " readings (bound " << BOUND << "); batches " << missing.front() << " to "
                              << missing.back() << " dropped (" << missing.size() << "), " << counted.dropped_readings
                              << " readings counted; stored through " << newest);
  }
}
