#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "aggregator/notify/health.hpp"

using namespace lookout::aggregator::notify;
using lookout::wire::AlarmMessage;
using lookout::wire::Level;

namespace {

constexpr std::int64_t T0 = 1764110000000;  // [ms UTC]
constexpr std::int64_t MIN = 60'000;        // [ms]

AlarmMessage alarm(const std::string& point, Level level, std::int64_t since_ms = T0,
                   const std::string& site = "dam-1") {
  AlarmMessage a;
  a.enterprise = "xj-mine";
  a.site = site;
  a.point = point;
  a.quantity = "water_level";
  a.level = level;
  a.state = level == Level::normal ? "returned_unacknowledged" : "active_unacknowledged";
  a.since_ms = since_ms;
  a.ts_ms = since_ms;
  return a;
}

}  // namespace

TEST_SUITE("aggregator.notify.health") {
  TEST_CASE("alarms per 10 min and a flood of more than 10 at a site") {
    HealthMonitor h;
    // GIVEN 10 alarms in 5 min at dam-1: busy but not a flood
    for (int i = 0; i < 10; ++i) CHECK(!h.record(alarm("p-" + std::to_string(i) + ".x", Level::yellow), T0 + i * 30'000));
    auto f = h.figures(T0 + 5 * MIN);
    CHECK(f.alarms == 10);
    REQUIRE(f.sites.size() == 1);
    CHECK(!f.sites[0].flood);
    // WHEN the 11th comes THEN the flood begins, reported once
    const auto started = h.record(alarm("p-10.x", Level::yellow), T0 + 6 * MIN);
    REQUIRE(started);
    CHECK(*started == "xj-mine/dam-1");
    CHECK(!h.record(alarm("p-11.x", Level::yellow), T0 + 6 * MIN + 1));
    f = h.figures(T0 + 6 * MIN + 1);
    CHECK(f.sites[0].flood);
    CHECK(f.sites[0].flood_since_ms == T0 + 6 * MIN);
    CHECK(f.floods() == 1);
    // AND 10 min after the early ones the rate falls below the line: no flood
    f = h.figures(T0 + 15 * MIN + 30'000);
    CHECK(f.sites[0].alarms == 2);
    CHECK(!f.sites[0].flood);
    CHECK(f.floods() == 0);
  }

  TEST_CASE("acknowledgements - copies and clears are not activations - an escalation is") {
    HealthMonitor h;
    h.record(alarm("a.x", Level::yellow), T0);
    auto acked = alarm("a.x", Level::yellow);
    acked.state = "active_acknowledged";
    h.record(acked, T0 + 1);
    h.record(acked, T0 + 2);
    h.record(alarm("a.x", Level::normal), T0 + 3);
    CHECK(h.figures(T0 + 4).alarms == 1);
    h.record(alarm("b.x", Level::yellow), T0 + 5);
    h.record(alarm("b.x", Level::red), T0 + 6);
    CHECK(h.figures(T0 + 7).alarms == 3);
    // AND a backfilled change (page false) is history, not an alarm annunciated
    auto old = alarm("c.x", Level::red);
    old.page = false;
    h.record(old, T0 + 8);
    CHECK(h.figures(T0 + 9).alarms == 3);
  }

  TEST_CASE("stale - active and unacknowledged for more than 24 h") {
    HealthMonitor h;
    h.record(alarm("old.x", Level::orange, T0), T0);
    h.record(alarm("new.x", Level::orange, T0 + 23 * 60 * MIN), T0 + 23 * 60 * MIN);
    auto acked = alarm("acked.x", Level::red, T0);
    acked.state = "active_acknowledged";
    h.record(acked, T0);
    const auto f = h.figures(T0 + 24 * 60 * MIN + 1);
    REQUIRE(f.stale.size() == 1);
    CHECK(f.stale[0].point == "old.x");
    CHECK(f.stale[0].level == Level::orange);
  }

  TEST_CASE("chattering - 3 activations of one alarm within a minute") {
    HealthMonitor h;
    // GIVEN an alarm raised 3 times in 70 s: not chattering
    for (int i = 0; i < 3; ++i) {
      h.record(alarm("slow.x", Level::yellow), T0 + i * 35'000);
      h.record(alarm("slow.x", Level::normal), T0 + i * 35'000 + 1000);
    }
    // AND one raised 3 times in 40 s: chattering
    for (int i = 0; i < 3; ++i) {
      h.record(alarm("fast.x", Level::yellow), T0 + i * 20'000);
      h.record(alarm("fast.x", Level::normal), T0 + i * 20'000 + 1000);
    }
    auto f = h.figures(T0 + 2 * MIN);
    REQUIRE(f.chattering.size() == 1);
    CHECK(f.chattering[0].point == "fast.x");
    CHECK(f.chattering[0].activations == 3);
    // AND the figures as JSON for the HTTP API
    const nlohmann::json j = f;
    CHECK(j["chattering"][0]["point"] == "fast.x");
    CHECK(j["alarms"] == 6);
    CHECK(j["floods"] == 0);
    CHECK(j["sites"][0]["site"] == "dam-1");
    // AND 10 min later it is history
    CHECK(h.figures(T0 + 12 * MIN).chattering.empty());
  }
}
