// Backfill over a real Mosquitto (issue #4): "Backfilled readings are stored in time order
// and evaluated by the rules as of their own timestamps, without paging anyone for an alarm
// that has already cleared" - across the outbox's batches, not only within one.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/webhook_receiver.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

std::int64_t utc_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Delivered webhook notices that carry `point` at `level`.
int notices_of(WebhookReceiver& rx, const std::string& point, const std::string& level) {
  int n = 0;
  for (const auto& r : rx.delivered()) {
    const auto j = json::parse(r.body, nullptr, false);
    if (j.is_discarded()) continue;
    for (const auto& a : j["alarms"]) n += a["point"] == point && a["level"] == level;
  }
  return n;
}

/// The point's threshold alarms with an event since `from`, with their events.
std::vector<json> threshold_alarms(Deployment& d, const std::string& point, std::int64_t from) {
  const auto r = http_request(d.http_port, "GET", "/api/v1/alarms?history&from=" + std::to_string(from), "", d.token);
  std::vector<json> out;
  if (r.status != 200) return out;
  const auto j = json::parse(r.body);
  for (const auto& a : j["alarms"]) {
    if (a["point"] == point && a["kind"] == "threshold") out.push_back(a);
  }
  return out;
}

}  // namespace

TEST_SUITE("integration.backfill") {
  TEST_CASE("an alarm that rose and cleared while the broker was away pages nobody - one still up at the end does") {
    WebhookReceiver rx;
    const std::string toml = "[notify]\ngroup_window_s = 1\nrepeat_min = 0\n[[webhook]]\nurl = \"" + rx.url() +
                             "\"\nmin_level = \"orange\"\nretry_initial_s = 0.3\nretry_max_s = 1\n";
    Deployment d({.poll_ms = 200, .publish_interval_ms = 100}, toml);
    d.sim_set("ch4-1", "ch4", "0.40");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const json& p) { return p["value"] == 0.4; }));
    const std::int64_t since = utc_ms();

    // WHEN the broker is away while methane rises to 1.20 % (orange) and falls back to 0.39 %
    // (each value waits until the gateway has measured it: it is in the outbox)
    d.broker->stop();
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE(eventually([&] { return d.queued_at("ch4-1.ch4", 1.20) > 0; }, HUNG_RUN));
    d.sim_set("ch4-1", "ch4", "0.39");  // not 0.40, which batches from before may still hold
    REQUIRE(eventually([&] { return d.queued_at("ch4-1.ch4", 0.39) > 0; }, HUNG_RUN));
    // AND it comes back: the gateway sends its outbox, many batches, then live ones
    d.broker->restart();
    d.sim_set("ch4-1", "ch4", "0.41");
    REQUIRE_MESSAGE(d.wait_status("ch4-1.ch4", [](const json& p) { return p["value"] == 0.41; }),
                    d.aggregator->stderr_text());

    // THEN the alarm is in the history, raised at orange and returned, with its audit trail
    std::vector<json> alarms;
    REQUIRE(eventually(
        [&] {
          alarms = threshold_alarms(d, "ch4-1.ch4", since);
          return !alarms.empty();
        },
        HUNG_RUN));
    REQUIRE(alarms.size() == 1);
    const auto& events = alarms[0]["events"];
    INFO(alarms[0].dump());
    REQUIRE(events.size() >= 2);
    CHECK(events[0]["action"] == "raised");
    CHECK(events[0]["to_level"] == "orange");
    CHECK(events[0]["who"] == "system");
    CHECK(events[0]["ts"].get<std::int64_t>() > since);
    CHECK(events.back()["to_level"] == "normal");
    // AND nobody was paged for it: 3 s is three group windows (1 s) and past the retry delays
    // (0.3 s, 1 s), so a page decided wrongly would have been delivered by then
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(notices_of(rx, "ch4-1.ch4", "orange") == 0);
    CHECK(rx.delivered().empty());

    // WHEN the broker is away again while methane rises to 1.25 % and stays there
    d.broker->stop();
    d.sim_set("ch4-1", "ch4", "1.25");  // orange too; not 1.20, the first outage's value
    REQUIRE(eventually([&] { return d.queued_at("ch4-1.ch4", 1.25) > 0; }, HUNG_RUN));
    d.broker->restart();
    // THEN the alarm, still up when the outbox has drained, pages: once
    REQUIRE_MESSAGE(eventually([&] { return notices_of(rx, "ch4-1.ch4", "orange") > 0; }, HUNG_RUN),
                    d.aggregator->stderr_text());
    // AND not twice: 2 s is two group windows and past the retry delays
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(notices_of(rx, "ch4-1.ch4", "orange") == 1);
  }
}
