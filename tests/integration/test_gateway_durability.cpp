// No reading lost (issue #3): a broker outage and a SIGKILL, checked by sequence number.
#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "tests/support/deployment.hpp"

using namespace lookout::test;

namespace {

/// Every seq from the first to the last, each once, in order: nothing missing.
void check_contiguous(const std::vector<std::int64_t>& seqs) {
  REQUIRE(!seqs.empty());
  for (std::size_t i = 1; i < seqs.size(); ++i) {
    if (seqs[i] != seqs[i - 1] + 1) {
      FAIL("seq " << seqs[i - 1] << " is followed by " << seqs[i] << " at position " << i);
    }
  }
}

/// The seqs of the batches waiting in the outbox.
std::vector<std::int64_t> queued_seqs(Deployment& d) {
  std::vector<std::int64_t> out;
  for (const auto& b : d.outbox()) out.push_back(b.seq);
  return out;
}

/// True when every one of `wanted` is in `seqs`.
bool contains_all(const std::vector<std::int64_t>& seqs, const std::vector<std::int64_t>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](std::int64_t w) { return std::find(seqs.begin(), seqs.end(), w) != seqs.end(); });
}

}  // namespace

TEST_SUITE("integration.durability") {
  TEST_CASE("a 30 s broker outage loses no reading and keeps the order") {
    Deployment d({.poll_ms = 200, .publish_interval_ms = 100});
    // GIVEN readings flowing
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 5; }, HUNG_RUN));
    // WHEN the broker is down for 30 s while the devices change: six values, each held 5 s
    // and each measured by the gateway (in its outbox) before the next
    const auto down_at = std::chrono::steady_clock::now();
    d.broker->stop();
    std::vector<double> values;
    for (int i = 0; i < 6; ++i) {
      values.push_back(0.30 + 0.01 * i);
      d.sim_set("ch4-1", "ch4", std::to_string(values.back()));
      REQUIRE_MESSAGE(eventually([&] { return d.queued_at("ch4-1.ch4", values.back()) > 0; }, HUNG_RUN),
                      d.gateway->stderr_text());
      std::this_thread::sleep_until(down_at + std::chrono::seconds(5) * (i + 1));
    }
    const auto waiting = queued_seqs(d);
    d.broker->restart();
    // THEN the gateway and the aggregator reconnect, the outbox drains, and every batch is
    // stored once, in order, none missing: those that waited, and each value set meanwhile
    d.sim_set("ch4-1", "ch4", "0.77");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["value"] == 0.77; }));
    const auto seqs = d.stored_seqs();
    REQUIRE(!waiting.empty());
    CHECK(contains_all(seqs, waiting));
    check_contiguous(seqs);
    const auto stored = d.stored_values("ch4-1.ch4");
    for (const double v : values) {
      CHECK_MESSAGE(std::any_of(stored.begin(), stored.end(), [&](double x) { return std::fabs(x - v) < 1e-6; }),
                    "no stored reading of " << v);
    }
  }

  TEST_CASE("SIGKILL during heavy polling loses nothing that reached the outbox") {
    Deployment d({.poll_ms = 100, .publish_interval_ms = 50});
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 20; }, HUNG_RUN));
    // WHEN the gateway is killed with SIGKILL, twice, while the broker is down the second time
    d.gateway->kill_hard();
    d.start_gateway();
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 40; }, HUNG_RUN));
    d.broker->stop();
    // ten batches made since the broker went pile up in the outbox
    const auto last_stored = d.stored_seqs().back();
    REQUIRE(eventually(
        [&] {
          const auto q = queued_seqs(d);
          return !q.empty() && q.back() >= last_stored + 10;
        },
        HUNG_RUN));
    const auto waiting = queued_seqs(d);
    d.gateway->kill_hard();
    d.broker->restart();
    d.start_gateway();
    // THEN the sequence continues and nothing in between is missing
    d.sim_set("ch4-1", "ch4", "0.66");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["value"] == 0.66; }));
    const auto seqs = d.stored_seqs();
    INFO("gateway log:\n" << d.gateway->stderr_text() << "\naggregator log:\n" << d.aggregator->stderr_text());
    check_contiguous(seqs);
    CHECK(seqs.front() == 1);
    CHECK(contains_all(seqs, waiting));
    CHECK(seqs.back() > waiting.back());  // and the batches after the restart follow them
  }
}
