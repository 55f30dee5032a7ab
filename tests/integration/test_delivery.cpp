// End-to-end delivery (issue #10, findings 1 and 2): a batch leaves the gateway's outbox
// only when the aggregator has it on disk, so what a killed aggregator or a crashed broker
// lost is sent again. Checked by sequence number: every batch from the first to the last,
// none missing.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.hpp"

using namespace lookout::test;

namespace {

constexpr const char* READINGS = "lookout/v1/xj-mine/mine-1/gw-1/up/readings";
constexpr const char* ACKS = "lookout/v1/xj-mine/mine-1/gw-1/down/ack";

/// The highest `field` of the JSON messages a probe has seen (0 for none).
std::int64_t highest(MqttProbe& probe, const char* field) {
  std::int64_t top = 0;
  for (const auto& m : probe.messages()) {
    const auto j = nlohmann::json::parse(m.payload, nullptr, false);
    if (j.is_object() && j.contains(field) && j[field].is_number_integer()) top = std::max(top, j[field].get<std::int64_t>());
  }
  return top;
}

/// The seqs from 1 to `upto` that the aggregator has not stored.
std::vector<std::int64_t> missing(Deployment& d, std::int64_t upto) {
  const auto seqs = d.stored_seqs();
  const std::set<std::int64_t> have(seqs.begin(), seqs.end());
  std::vector<std::int64_t> out;
  for (std::int64_t s = 1; s <= upto; ++s) {
    if (!have.contains(s)) out.push_back(s);
  }
  return out;
}

/// Waits until every batch up to `upto` is stored; FAILs naming the missing ones.
void check_all_stored(Deployment& d, std::int64_t upto) {
  const bool whole = eventually([&] { return missing(d, upto).empty(); }, HUNG_RUN);
  if (!whole) {
    const auto gone = missing(d, upto);
    FAIL(gone.size() << " of " << upto << " batches never stored, the first " << gone.front() << "\ngateway log:\n"
                     << d.gateway->stderr_text() << "\naggregator log:\n"
                     << d.aggregator->stderr_text());
  }
}

std::int64_t stored_batches(Deployment& d) { return d.query("SELECT COUNT(*) FROM batches"); }

}  // namespace

TEST_SUITE("integration.delivery") {
  TEST_CASE("an aggregator killed while it drains a backlog loses no batch") {
    Deployment d({.poll_ms = 100, .publish_interval_ms = 50});
    REQUIRE(eventually([&] { return stored_batches(d) >= 5; }, HUNG_RUN));
    MqttProbe sent(d.broker->uri(), READINGS);
    // GIVEN a backlog the broker took for the aggregator's session while it was stopped:
    // 150 batches (some 10 s of the gateway's; the oldest may go twice if the gateway's wait
    // for an acknowledgement, 15 s, runs out meanwhile, so they are counted by seq)
    d.aggregator->stop();
    const auto before = stored_batches(d);
    REQUIRE(eventually([&] { return highest(sent, "seq") >= before + 150; }, HUNG_RUN));
    // WHEN it starts again and is killed with SIGKILL as soon as it has stored part of the
    // backlog: the broker has handed it far more than it has committed by then
    d.aggregator = std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-aggregator"), "--config", (d.dir / "aggregator.toml").string()},
        d.dir / "aggregator-killed.log");
    // Looked at every 2 ms (eventually's 50 ms would often see the drain over): 20 stored is
    // past its first transaction, long before its last.
    const auto deadline = std::chrono::steady_clock::now() + HUNG_RUN;
    while (stored_batches(d) < before + 20 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    d.aggregator->kill_hard();
    REQUIRE(stored_batches(d) >= before + 20);
    const auto at_kill = stored_batches(d);
    const auto upto = highest(sent, "seq");
    // THEN after a restart every batch the gateway made up to the kill is stored
    d.start_aggregator();
    MESSAGE("stored at the kill: " << at_kill - before << " of a backlog of " << upto - before);
    check_all_stored(d, upto);
  }

  TEST_CASE("what the aggregator acknowledges is stored whenever it is killed") {
    Deployment d({.poll_ms = 100, .publish_interval_ms = 50});
    MqttProbe acks(d.broker->uri(), ACKS);
    REQUIRE(eventually([&] { return highest(acks, "stored") >= 3; }, HUNG_RUN));
    // WHEN it is killed right after an acknowledgement, five times over
    for (int kill = 0; kill < 5; ++kill) {
      const auto seen = acks.messages().size();
      REQUIRE(eventually([&] { return acks.messages().size() > seen; }, HUNG_RUN));
      d.aggregator->kill_hard();
      // THEN every batch it said was stored is in its database
      const auto said = highest(acks, "stored");
      CHECK_MESSAGE(missing(d, said).empty(), "kill " << kill << ": acknowledged up to " << said << ", missing "
                                                      << missing(d, said).size());
      d.start_aggregator();
    }
    // AND the gateway's batches all arrive in the end
    const auto upto = highest(acks, "stored") + 20;
    REQUIRE(eventually([&] { return highest(acks, "stored") >= upto; }, HUNG_RUN));
    check_all_stored(d, upto);
  }

  TEST_CASE("a broker killed with batches for the aggregator in its memory loses none of them") {
    // The broker saves its store only when it stops: a crash loses every message it took since
    // it started (what autosave_interval would have saved since the last save, exaggerated to
    // all of it, so the loss does not depend on when the kill lands).
    Deployment d({.poll_ms = 100, .publish_interval_ms = 50, .broker_config = "autosave_interval 0\nautosave_on_changes false\n"});
    REQUIRE(eventually([&] { return stored_batches(d) >= 5; }, HUNG_RUN));
    MqttProbe sent(d.broker->uri(), READINGS);
    // GIVEN 40 batches the broker acknowledged to the gateway and holds for the stopped aggregator
    d.aggregator->stop();
    REQUIRE(eventually([&] { return sent.messages().size() >= 40; }, HUNG_RUN));
    // WHEN the broker crashes (SIGKILL) and comes back on the same port
    d.broker->kill();
    const auto upto = highest(sent, "seq");
    d.broker->start();
    d.start_aggregator();
    // THEN the gateway sends again what the broker lost, and every batch is stored
    check_all_stored(d, upto);
  }

  TEST_CASE("an aggregator silent for 15 s gets the oldest batches again while new ones keep flowing - each stored once") {
    Deployment d({.poll_ms = 100, .publish_interval_ms = 100});
    REQUIRE(eventually([&] { return stored_batches(d) >= 5; }, HUNG_RUN));
    MqttProbe sent(d.broker->uri(), READINGS);
    // WHEN the aggregator goes away (a clean stop: the broker keeps its session and queues
    // what comes for it) and no acknowledgement comes
    const auto silent_from = std::chrono::steady_clock::now();
    d.aggregator->stop();
    // THEN after the silence the gateway sends its oldest unacknowledged batches again
    const std::string line = "no acknowledgement from the aggregator for 15 s";
    REQUIRE_MESSAGE(eventually([&] { return d.gateway->stderr_text().find(line) != std::string::npos; }, HUNG_RUN),
                    d.gateway->stderr_text());
    const auto waited = std::chrono::steady_clock::now() - silent_from;
    // Not at once: 15 s after the last acknowledgement, which came at most a turn (100 ms on
    // an idle machine, seconds on a loaded one) before the stop; 10 s leaves 5 s for that.
    CHECK(waited >= std::chrono::seconds(10));
    // AND a batch is published twice, with newer ones published before and after its second time
    std::optional<std::int64_t> again;
    std::size_t again_at = 0;
    REQUIRE(eventually(
        [&] {
          std::set<std::int64_t> seen;
          const auto msgs = sent.messages();
          for (std::size_t i = 0; i < msgs.size(); ++i) {
            const auto seq = nlohmann::json::parse(msgs[i].payload)["seq"].get<std::int64_t>();
            if (!seen.insert(seq).second) {
              again = seq;
              again_at = i;
              return true;
            }
          }
          return false;
        },
        HUNG_RUN));
    std::int64_t newest_before = 0;
    const auto msgs_then = sent.messages();
    for (std::size_t i = 0; i < again_at; ++i) {
      newest_before = std::max(newest_before, nlohmann::json::parse(msgs_then[i].payload)["seq"].get<std::int64_t>());
    }
    CHECK(newest_before > *again + 10);  // new batches went on during the silence
    REQUIRE(eventually([&] { return highest(sent, "seq") > newest_before + 5; }, HUNG_RUN));  // and after it
    // WHEN the aggregator is back THEN it has every batch, each once
    d.start_aggregator();
    const auto upto = highest(sent, "seq");
    check_all_stored(d, upto);
    CHECK(d.query("SELECT COUNT(*) FROM batches WHERE gateway = 'gw-1'") ==
          d.query("SELECT COUNT(DISTINCT seq) FROM batches WHERE gateway = 'gw-1'"));
    MESSAGE("the resend came " << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()
                               << " ms after the stop; batch " << *again << " again after batches up to "
                               << newest_before << "; " << upto << " stored");
  }
}

TEST_SUITE("integration.delivery") {
  TEST_CASE("a gateway whose data directory was wiped numbers after what is stored - its first readings are stored") {
    Deployment d({.poll_ms = 100, .publish_interval_ms = 50});
    REQUIRE(eventually([&] { return stored_batches(d) >= 20 && d.outbox().empty(); }, HUNG_RUN));
    // GIVEN the gateway re-flashed: stopped, its data directory gone (outbox, boot count, sequence)
    d.gateway->stop();
    const std::int64_t stored_before = d.query("SELECT MAX(seq) FROM batches");
    std::filesystem::remove_all(d.gateway_data_dir());
    MqttProbe sent(d.broker->uri(), READINGS);
    // WHEN it starts again: its new outbox numbers from 1, under numbers the aggregator has
    d.start_gateway();
    const auto first = sent.wait_for([](const ProbeMessage&) { return true; }, HUNG_RUN);
    REQUIRE(first);
    const auto batch = nlohmann::json::parse(first->payload);
    CHECK(batch["seq"] == 1);
    const auto& r = batch["readings"][0];
    // THEN the readings of its first batch are stored, not taken for those of batch 1 and
    // acknowledged away: it was asked to number after what is stored and sent them again
    const std::string sql = "SELECT COUNT(*) FROM readings WHERE point='" + r["point"].get<std::string>() +
                            "' AND ts_ms=" + std::to_string(r["ts"].get<std::int64_t>());
    const bool stored = eventually([&] { return d.query(sql) == 1; }, HUNG_RUN);
    CHECK_MESSAGE(stored, "gateway log:\n" << d.gateway->stderr_text() << "\naggregator log:\n" << d.aggregator->stderr_text());
    CHECK(d.gateway->stderr_text().find("numbered from " + std::to_string(stored_before + 1)) != std::string::npos);
    // AND it goes on from there: no gap, nothing left unacknowledged for long, each stored once
    REQUIRE(eventually([&] { return d.query("SELECT MAX(seq) FROM batches") >= stored_before + 20; }, HUNG_RUN));
    CHECK(d.query("SELECT COUNT(*) FROM sequence_gaps") == 0);
    const auto seqs = d.stored_seqs();
    CHECK(std::set<std::int64_t>(seqs.begin(), seqs.end()).size() == seqs.size());
    CHECK(eventually([&] { return d.outbox().size() < 20; }, HUNG_RUN));
  }
}
