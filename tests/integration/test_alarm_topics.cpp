// The retained alarm topics across broker outages (issue #4): they are a copy of the
// database, whole again after every reconnection, and an aggregator publishing alarm
// changes while its broker comes and goes keeps running.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "firmware/wire/messages.hpp"
#include "tests/support/deployment.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

const std::string ALARM_TOPIC = "lookout/v1/xj-mine/mine-1/alarms/ch4-1.ch4";

/// The level of the retained threshold alarm of ch4-1.ch4 a client arriving now is given.
std::optional<lookout::wire::Level> retained_level(const std::string& uri) {
  MqttProbe late(uri, ALARM_TOPIC);
  const auto m = late.wait_for([](const ProbeMessage& x) { return x.retained; }, std::chrono::seconds(2));
  if (!m) return std::nullopt;
  const auto d = lookout::wire::decode_alarm(m->payload);
  if (!std::holds_alternative<lookout::wire::AlarmMessage>(d)) return std::nullopt;
  return std::get<lookout::wire::AlarmMessage>(d).level;
}

}  // namespace

TEST_SUITE("integration.alarm_topics") {
  TEST_CASE("retained alarm states are whole again after the broker lost them") {
    Deployment d;
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const json& p) { return p["level"] == "orange"; }));
    REQUIRE(eventually([&] { return retained_level(d.broker->uri()) == lookout::wire::Level::orange; },
                       HUNG_RUN));

    // WHEN the broker restarts without its store: every retained message is gone
    d.broker->stop();
    std::filesystem::remove(d.dir / "mosquitto.db");
    d.broker->restart();
    // THEN the aggregator publishes the alarm's state again once it is back
    // (a client that subscribed before that would get it live, not retained: ask anew)
    CHECK_MESSAGE(eventually([&] { return retained_level(d.broker->uri()) == lookout::wire::Level::orange; },
                             HUNG_RUN),
                  d.aggregator->stderr_text());
  }

  TEST_CASE("an aggregator publishing alarm changes while its broker comes and goes keeps running") {
    Deployment d({.poll_ms = 100, .publish_interval_ms = 100});
    // WHEN methane swings across the orange line every 300 ms while the broker is cut
    // eight times: alarm states are published just before, during and after each cut
    bool high = false;
    const auto swing_for = [&](std::chrono::milliseconds span) {
      const auto end = std::chrono::steady_clock::now() + span;
      while (std::chrono::steady_clock::now() < end) {
        high = !high;
        d.sim_set("ch4-1", "ch4", high ? "1.20" : "0.40");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
      }
    };
    for (int cut = 0; cut < 8; ++cut) {
      swing_for(std::chrono::milliseconds(1500));
      d.broker->stop();
      swing_for(std::chrono::milliseconds(900));
      d.broker->restart();
    }
    // THEN the aggregator is still running
    REQUIRE_MESSAGE(d.aggregator->running(), d.aggregator->stderr_text());
    // AND once methane settles at 1.20 % the retained state says orange, as the database does
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE_MESSAGE(d.wait_status("ch4-1.ch4", [](const json& p) { return p["level"] == "orange" && p["value"] == 1.2; }),
                    d.aggregator->stderr_text());
    CHECK(eventually([&] { return retained_level(d.broker->uri()) == lookout::wire::Level::orange; },
                     HUNG_RUN));
    CHECK_MESSAGE(d.aggregator->running(), d.aggregator->stderr_text());
  }
}
