// No reading lost (issue #3): a broker outage and a SIGKILL, checked by sequence number.
#include <doctest/doctest.h>

#include <signal.h>

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

}  // namespace

TEST_SUITE("integration.durability") {
  TEST_CASE("a 30 s broker outage loses no reading and keeps the order") {
    Deployment d({.poll_ms = 200, .publish_interval_ms = 100});
    // GIVEN readings flowing
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 5; }, std::chrono::seconds(10)));
    // WHEN the broker is down for 30 s while the devices change
    d.broker->stop();
    for (int i = 0; i < 6; ++i) {
      d.sim_set("ch4-1", "ch4", std::to_string(0.30 + 0.01 * i));
      std::this_thread::sleep_for(std::chrono::seconds(5));
    }
    const auto before_restart = d.stored_seqs();
    d.broker->restart();
    // THEN the gateway and the aggregator reconnect, the outbox drains, and every batch is
    // stored once, in order, none missing
    d.sim_set("ch4-1", "ch4", "0.77");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["value"] == 0.77; }));
    const auto seqs = d.stored_seqs();
    CHECK(seqs.size() > before_restart.size() + 100);  // 30 s of batches came late
    check_contiguous(seqs);
  }

  TEST_CASE("SIGKILL during heavy polling loses nothing that reached the outbox") {
    Deployment d({.poll_ms = 100, .publish_interval_ms = 50});
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 20; }, std::chrono::seconds(10)));
    // WHEN the gateway is killed with SIGKILL, twice, while the broker is down the second time
    d.gateway->kill_hard();
    d.start_gateway();
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 40; }, std::chrono::seconds(10)));
    d.broker->stop();
    std::this_thread::sleep_for(std::chrono::seconds(2));  // batches pile up in the outbox
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
    CHECK(seqs.size() >= 60);
  }
}
