#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "aggregator/alarm_desk.hpp"
#include "aggregator/ingest.hpp"
#include "aggregator/sqlite_store.hpp"
#include "tests/support/process.hpp"

using namespace lookout::aggregator;
using lookout::test::TempDir;
using lookout::wire::Level;

namespace {

const std::string TOPIC = "lookout/v1/xj-mine/mine-1/gw-1/up/readings";
constexpr std::int64_t T0 = 1764100000000;  // [ms UTC]

std::string batch(std::uint64_t seq, double ch4, std::int64_t ts) {
  nlohmann::json r{{"point", "ch4-1.ch4"}, {"quantity", "methane"}, {"unit", "%CH4"},
                   {"ts", ts},           {"quality", "good"},      {"value", ch4}};
  return nlohmann::json{{"v", 1}, {"gateway", "gw-1"}, {"seq", seq}, {"boot", 1}, {"readings", {r}}}.dump();
}

std::vector<std::string> kinds(Store& store, std::int64_t id) {
  std::vector<std::string> out;
  for (const auto& e : store.alarm_events(id)) out.push_back(e.action);
  return out;
}

}  // namespace

TEST_SUITE("aggregator.alarm_desk") {
  TEST_CASE("one alarm id through raise - escalate - acknowledge - return - clear with its audit") {
    TempDir dir;
    AggregatorConfig cfg;
    cfg.database = dir / "lookout.db";
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    AlarmDesk desk(ingest, store);
    int announced = 0;
    desk.on_change([&](const AlarmRecord&, const AlarmEvent&) { ++announced; });

    // GIVEN methane at 1.2 % (orange) and then 1.6 % (red)
    auto r = ingest.handle(TOPIC, batch(1, 1.2, T0), T0 + 5);
    REQUIRE(r.alarms.size() == 1);
    const auto id = r.alarms[0].id;
    CHECK(id > 0);
    r = ingest.handle(TOPIC, batch(2, 1.6, T0 + 1000), T0 + 1005);
    REQUIRE(r.alarms.size() == 1);
    // THEN escalation is an event of the same alarm
    CHECK(r.alarms[0].id == id);
    // WHEN an officer acknowledges without a comment THEN refused; with one THEN acknowledged
    CHECK(desk.act(id, AlarmAction::acknowledge, "alice", "", 0, T0 + 2000).status == 400);
    auto d = desk.act(id, AlarmAction::acknowledge, "alice", "ventilation raised", 0, T0 + 2000);
    REQUIRE(d.status == 200);
    CHECK(d.alarm->alarm.state == AlarmState::active_acknowledged);
    CHECK(announced == 1);
    // WHEN acknowledged twice THEN 409
    CHECK(desk.act(id, AlarmAction::acknowledge, "alice", "again", 0, T0 + 2100).status == 409);
    // WHEN an unknown id THEN 404
    CHECK(desk.act(id + 100, AlarmAction::acknowledge, "alice", "x", 0, T0 + 2100).status == 404);
    // WHEN methane falls to 0.4 THEN the power cut holds (latched); reset THEN the
    // acknowledged alarm clears
    r = ingest.handle(TOPIC, batch(3, 0.4, T0 + 3000), T0 + 3005);
    CHECK(r.alarms.empty());
    const auto reset = desk.reset_latch(id, "system", "", T0 + 3000);
    REQUIRE(reset.status == 200);
    CHECK(reset.alarm->alarm.state == AlarmState::normal);
    CHECK(reset.alarm->alarm.id == id);

    // THEN the audit trail tells the whole story: who, when, comment, from/to
    const auto events = store.alarm_events(id);
    REQUIRE(events.size() == 4);
    CHECK(kinds(store, id) == std::vector<std::string>{"raised", "escalated", "acknowledged", "latch_reset"});
    CHECK(events[1].from_level == Level::orange);
    CHECK(events[1].to_level == Level::red);
    CHECK(events[2].who == "alice");
    CHECK(events[2].comment == "ventilation raised");
    CHECK(events[2].ts_ms == T0 + 2000);
    CHECK(events[2].from_state == AlarmState::active_unacknowledged);
    CHECK(events[2].to_state == AlarmState::active_acknowledged);
    CHECK(events[3].who == "system");

    // WHEN it rises again THEN a new alarm with a new id
    r = ingest.handle(TOPIC, batch(4, 1.2, T0 + 4000), T0 + 4005);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].id == id + 1);
    CHECK(store.alarm_ids(T0, T0 + 5000, 10) == std::vector<std::int64_t>{id + 1, id});
  }

  TEST_CASE("shelving survives a restart and expires by the clock given") {
    TempDir dir;
    AggregatorConfig cfg;
    cfg.database = dir / "lookout.db";
    std::int64_t id = 0;
    {
      SqliteStore store(cfg.database);
      Ingest ingest(cfg, store);
      AlarmDesk desk(ingest, store);
      id = ingest.handle(TOPIC, batch(1, 1.2, T0), T0).alarms.at(0).id;
      // WHEN shelved for 60 s THEN shelved until T0 + 61 s
      const auto d = desk.act(id, AlarmAction::shelve, "bob", "sensor being cleaned", 60000, T0 + 1000);
      REQUIRE(d.status == 200);
      CHECK(d.alarm->alarm.shelved_until_ms == T0 + 61000);
      // longer than the bound is refused
      CHECK(desk.act(id, AlarmAction::shelve, "bob", "x", MAX_SHELVE_MS + 1000, T0).status == 400);
    }
    // GIVEN a restart
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    AlarmDesk desk(ingest, store);
    const auto a = desk.find(id);
    REQUIRE(a);
    CHECK(a->alarm.state == AlarmState::shelved);
    CHECK(a->alarm.shelved_until_ms == T0 + 61000);
    // THEN the next reading judges from the stored state: still shelved, level follows
    auto r = ingest.handle(TOPIC, batch(2, 1.6, T0 + 2000), T0 + 2000);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].state == "shelved");
    CHECK(r.alarms[0].level == Level::red);
    // WHEN the clock passes the expiry THEN it annunciates again, unacknowledged
    CHECK(desk.expire(T0 + 60999) == 0);
    CHECK(desk.expire(T0 + 61000) == 1);
    CHECK(desk.find(id)->alarm.state == AlarmState::active_unacknowledged);
    CHECK(kinds(store, id) == std::vector<std::string>{"raised", "shelved", "escalated", "shelve_expired"});
    // AND new ids do not reuse old ones after a restart
    CHECK(store.last_alarm_id() == id);
  }

  TEST_CASE("a latched methane alarm is reset by id - one audited latch_reset event") {
    TempDir dir;
    AggregatorConfig cfg;
    cfg.database = dir / "lookout.db";
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    AlarmDesk desk(ingest, store);
    int announced = 0;
    desk.on_change([&](const AlarmRecord&, const AlarmEvent&) { ++announced; });

    // GIVEN methane at the power-cut line, then back down: the alarm holds (latched)
    auto r = ingest.handle(TOPIC, batch(1, 1.6, T0), T0 + 5);
    REQUIRE(r.alarms.size() == 1);
    const auto id = r.alarms[0].id;
    CHECK(r.alarms[0].kind == "threshold");
    // WHEN reset while still over the restore value THEN 409
    ingest.handle(TOPIC, batch(2, 1.1, T0 + 1000), T0 + 1005);
    CHECK(desk.reset_latch(id, "bob", "", T0 + 1500).status == 409);
    r = ingest.handle(TOPIC, batch(3, 0.5, T0 + 2000), T0 + 2005);
    CHECK(r.alarms.empty());
    // WHEN an unknown id THEN 404
    CHECK(desk.reset_latch(id + 100, "bob", "", T0 + 2500).status == 404);
    // WHEN reset THEN the level falls, the same alarm, one event by bob
    const auto d = desk.reset_latch(id, "bob", "face checked", T0 + 3000);
    REQUIRE(d.status == 200);
    CHECK(d.alarm->alarm.id == id);
    CHECK(d.alarm->alarm.level == Level::normal);
    CHECK(d.alarm->alarm.state == AlarmState::returned_unacknowledged);
    CHECK(announced == 1);
    CHECK(kinds(store, id) == std::vector<std::string>{"raised", "latch_reset"});
    const auto events = store.alarm_events(id);
    CHECK(events.back().who == "bob");
    CHECK(events.back().comment == "face checked");
    CHECK(events.back().kind == RuleKind::threshold);
    CHECK(events.back().from_level == Level::red);
  }
}
