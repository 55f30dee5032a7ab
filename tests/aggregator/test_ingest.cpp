#include <doctest/doctest.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "aggregator/ingest.hpp"
#include "aggregator/sqlite_store.hpp"
#include "tests/support/process.hpp"

using namespace lookout::aggregator;
using lookout::test::TempDir;
using lookout::wire::Level;

namespace {

const std::string TOPIC = "lookout/v1/xj-mine/mine-1/gw-1/up/readings";

std::string batch(std::uint64_t seq, double ch4, std::int64_t ts = 1764100000000, const char* quality = "good",
                  const char* status = nullptr) {
  nlohmann::json r{{"point", "ch4-1.ch4"}, {"quantity", "methane"}, {"unit", "%CH4"}, {"ts", ts}, {"quality", quality}};
  r["value"] = std::string(quality) == "bad" ? nlohmann::json(nullptr) : nlohmann::json(ch4);
  if (status) r["status"] = status;
  return nlohmann::json{{"v", 1}, {"gateway", "gw-1"}, {"seq", seq}, {"boot", 1}, {"readings", {r}}}.dump();
}

AggregatorConfig config_for(const TempDir& dir) {
  AggregatorConfig c;
  c.database = dir / "lookout.db";
  return c;
}

}  // namespace

TEST_SUITE("aggregator.ingest") {
  TEST_CASE("a methane reading over the line raises an alarm - stored with its level") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    // WHEN 1.20 %CH4 arrives
    auto r = ingest.handle(TOPIC, batch(1, 1.20), 1764100000100);
    // THEN it is accepted, an orange alarm is published, and status shows value and level
    CHECK(r.outcome == IngestResult::Outcome::accepted);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].level == Level::orange);
    CHECK(r.alarms[0].state == "active_unacknowledged");
    CHECK(r.alarms[0].rule == "methane.working_face");
    const auto latest = store.latest();
    REQUIRE(latest.size() == 1);
    CHECK(*latest[0].reading.value == 1.20);
    CHECK(latest[0].level == Level::orange);
    // WHEN 0.40 arrives THEN it returns to normal
    r = ingest.handle(TOPIC, batch(2, 0.40, 1764100002000), 1764100002100);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].level == Level::normal);
    CHECK(r.alarms[0].state == "returned_unacknowledged");
    CHECK(store.latest()[0].level == Level::normal);
  }

  TEST_CASE("duplicates are stored once") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    CHECK(ingest.handle(TOPIC, batch(7, 0.2), 1).outcome == IngestResult::Outcome::accepted);
    CHECK(ingest.handle(TOPIC, batch(7, 0.2), 2).outcome == IngestResult::Outcome::duplicate);
    CHECK(ingest.counters().duplicates == 1);
    CHECK(ingest.counters().readings == 1);
  }

  TEST_CASE("malformed messages are rejected with a reason: ingest goes on") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    auto r = ingest.handle(TOPIC, "{\"v\":1,", 1);
    CHECK(r.outcome == IngestResult::Outcome::rejected);
    CHECK(r.reason == "message: not valid JSON");
    r = ingest.handle("lookout/v1/xj-mine/mine-1/gw-2/up/readings", batch(1, 0.1), 1);
    CHECK(r.outcome == IngestResult::Outcome::rejected);
    CHECK(r.reason.find("does not match the topic's gateway") != std::string::npos);
    r = ingest.handle("elsewhere/x", batch(1, 0.1), 1);
    CHECK(r.outcome == IngestResult::Outcome::rejected);
    CHECK(ingest.handle(TOPIC, batch(1, 0.1), 1).outcome == IngestResult::Outcome::accepted);
    CHECK(ingest.counters().rejected == 3);
  }

  TEST_CASE("warm-up - calibration and offline readings are stored with their quality and raise nothing") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    auto r = ingest.handle(TOPIC, batch(1, 0, 1764100000000, "bad", "warming_up"), 1764100000100);
    CHECK(r.outcome == IngestResult::Outcome::accepted);
    CHECK(r.alarms.empty());
    auto latest = store.latest();
    CHECK(latest[0].reading.quality == lookout::wire::Quality::bad);
    CHECK(latest[0].reading.status == lookout::wire::DeviceStatus::warming_up);
    CHECK(!latest[0].reading.value);
    // over range is at least full scale: red at the working face
    r = ingest.handle(TOPIC, batch(2, 4.0, 1764100001000, "uncertain", "over_range"), 1764100001100);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].level == Level::red);
    // GIVEN red WHEN the sensor fails THEN the process alarm stays red and a sensor-fault
    // alarm of its own is raised
    r = ingest.handle(TOPIC, batch(3, 0, 1764100002000, "bad", "sensor_fault"), 1764100002100);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].kind == "sensor_fault");
    CHECK(r.alarms[0].rule == "fault.sensor_fault");
    CHECK(store.latest()[0].level == Level::red);
  }

  TEST_CASE("alarm state survives a restart") {
    TempDir dir;
    const auto cfg = config_for(dir);
    {
      SqliteStore store(cfg.database);
      Ingest ingest(cfg, store);
      ingest.handle(TOPIC, batch(1, 1.6), 1764100000100);
    }
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    const auto alarms = ingest.current_alarms();
    REQUIRE(alarms.size() == 1);
    CHECK(alarms[0].level == Level::red);
    // the power-cut level holds at 1.2 after the restart too
    auto r = ingest.handle(TOPIC, batch(2, 1.2, 1764100001000), 1764100001100);
    CHECK(r.alarms.empty());
    // and it stays latched below the restore value until a person resets it
    r = ingest.handle(TOPIC, batch(3, 0.5, 1764100002000), 1764100002100);
    CHECK(r.alarms.empty());
    const auto reset = ingest.reset_latch({"xj-mine", "mine-1", "ch4-1.ch4"}, 1764100003000);
    CHECK(reset.done);
    REQUIRE(reset.alarms.size() == 1);
    CHECK(reset.alarms[0].level == Level::normal);
    CHECK(reset.alarms[0].state == "returned_unacknowledged");
  }

  TEST_CASE("the schema is versioned: a newer database is refused") {
    TempDir dir;
    {
      SqliteStore store(dir / "x.db");
    }
    {
      SqliteStore store(dir / "x.db");  // reopening migrates nothing and works
    }
    CHECK(SqliteStore::schema_version() >= 1);
  }
}

namespace {

struct R {
  const char* point;
  const char* quantity;
  double value;
  const char* unit;
  std::int64_t ts;
};

std::string readings(std::uint64_t seq, std::initializer_list<R> rs, bool backfill = false) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : rs) {
    arr.push_back({{"point", r.point}, {"quantity", r.quantity}, {"value", r.value}, {"unit", r.unit},
                   {"ts", r.ts}, {"quality", "good"}});
  }
  nlohmann::json b{{"v", 1}, {"gateway", "gw-1"}, {"seq", seq}, {"boot", 1}, {"readings", arr}};
  if (backfill) b["backfill"] = true;
  return b.dump();
}

const std::string STATUS = "lookout/v1/xj-mine/mine-1/gw-1/up/status";
constexpr std::int64_t T0 = 1764100000000;

}  // namespace

TEST_SUITE("aggregator.ingest") {
  TEST_CASE("a sequence gap is recorded with from - to and when seen - and late batches fill it") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    ingest.handle(TOPIC, batch(10, 0.1), T0);
    ingest.handle(TOPIC, batch(11, 0.1), T0 + 1);
    CHECK(store.sequence_gaps().empty());
    // WHEN 15 arrives after 11 THEN 12..14 are missing
    ingest.handle(TOPIC, batch(15, 0.1), T0 + 2);
    auto gaps = store.sequence_gaps();
    REQUIRE(gaps.size() == 1);
    CHECK(gaps[0].gateway.gateway == "gw-1");
    CHECK(gaps[0].from_seq == 12);
    CHECK(gaps[0].to_seq == 14);
    CHECK(gaps[0].seen_ms == T0 + 2);
    CHECK(gaps[0].missing == 3);
    CHECK(ingest.counters().gaps == 1);
    // WHEN 13 arrives late THEN two are still missing, and no new gap is seen
    ingest.handle(TOPIC, batch(13, 0.1), T0 + 3);
    gaps = store.sequence_gaps();
    REQUIRE(gaps.size() == 1);
    CHECK(gaps[0].missing == 2);
    // AND after a restart the next gap is measured from what is stored
    {
      Ingest again(cfg, store);
      again.handle(TOPIC, batch(17, 0.1), T0 + 4);
    }
    gaps = store.sequence_gaps();
    REQUIRE(gaps.size() == 2);
    CHECK(gaps[0].from_seq == 16);
    CHECK(gaps[0].to_seq == 16);
  }

  TEST_CASE("a backfill is judged in time order and an alarm that rose and cleared inside it does not page") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    // GIVEN H2S readings kept while the broker was away, sent out of order: 2 ppm at t+2 s,
    // 9 ppm at t+1 s, 1 ppm at t+0
    auto r = ingest.handle(TOPIC,
                           readings(1,
                                    {{"gd-1.gas", "h2s", 2, "ppm", T0 + 2000},
                                     {"gd-1.gas", "h2s", 9, "ppm", T0 + 1000},
                                     {"gd-1.gas", "h2s", 1, "ppm", T0}},
                                    true),
                           T0 + 60'000);
    // THEN judged as 1, 9, 2: orange at t+1 s and back to normal at t+2 s, both marked not to page
    REQUIRE(r.alarms.size() == 2);
    CHECK(r.alarms[0].level == Level::orange);
    CHECK(r.alarms[0].ts_ms == T0 + 1000);
    CHECK(r.alarms[1].level == Level::normal);
    CHECK(r.alarms[1].state == "returned_unacknowledged");
    CHECK(!r.alarms[0].page);
    CHECK(!r.alarms[1].page);
    // AND the latest value is the newest measurement
    CHECK(*store.latest()[0].reading.value == 2);
    // WHEN the next backfilled batch leaves the alarm up THEN nothing pages yet: the backfill goes on
    r = ingest.handle(TOPIC, readings(2, {{"gd-1.gas", "h2s", 20, "ppm", T0 + 3000}}, true), T0 + 61'000);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].level == Level::red);
    CHECK(!r.alarms[0].page);
    // WHEN the first live batch comes THEN the backfill has ended with the alarm up: that
    // pages first, then the live batch's own change
    r = ingest.handle(TOPIC, readings(3, {{"gd-1.gas", "h2s", 1, "ppm", T0 + 4000}}), T0 + 62'000);
    REQUIRE(r.alarms.size() == 2);
    CHECK(r.alarms[0].level == Level::red);
    CHECK(r.alarms[0].page);
    CHECK(r.alarms[1].level == Level::normal);
    CHECK(r.alarms[1].page);
  }

  TEST_CASE("an alarm that rose in one backfilled batch and cleared in a later one does not page") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    // GIVEN H2S at 1 ppm, live
    ingest.handle(TOPIC, readings(1, {{"gd-1.gas", "h2s", 1, "ppm", T0}}), T0);
    // WHEN the outbox brings 9 ppm in one batch and 1 ppm in the next
    auto r = ingest.handle(TOPIC, readings(2, {{"gd-1.gas", "h2s", 9, "ppm", T0 + 1000}}, true), T0 + 60'000);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].level == Level::orange);
    CHECK(!r.alarms[0].page);
    const auto id = r.alarms[0].id;
    r = ingest.handle(TOPIC, readings(3, {{"gd-1.gas", "h2s", 1, "ppm", T0 + 2000}}, true), T0 + 60'100);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].level == Level::normal);
    CHECK(!r.alarms[0].page);
    // THEN neither the live batch after it nor the backfill's end pages anything
    r = ingest.handle(TOPIC, readings(4, {{"gd-1.gas", "h2s", 1, "ppm", T0 + 61'000}}), T0 + 61'000);
    CHECK(r.alarms.empty());
    for (const auto& a : ingest.tick(T0 + 120'000)) CHECK(a.kind == "comm_loss");  // silence, a minute on
    // AND the alarm is in the history with its audit trail, marked as not paged
    const auto events = store.alarm_events(id);
    REQUIRE(events.size() == 2);
    CHECK(events[0].action == "raised");
    CHECK(events[0].to_level == Level::orange);
    CHECK(events[0].ts_ms == T0 + 1000);
    CHECK(events[0].quiet);
    CHECK(events[1].to_level == Level::normal);
    CHECK(events[1].quiet);
  }

  TEST_CASE("a backfill under way survives a restart - its end pages what stands and not what rose and fell") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    std::int64_t id = 0;
    {
      Ingest ingest(cfg, store);
      // GIVEN H2S at 1 ppm, live, then a backfill that takes it to 20 ppm (red) and
      // methane to 1.2 % (orange)
      ingest.handle(TOPIC, readings(1, {{"gd-1.gas", "h2s", 1, "ppm", T0}, {"ch4-1.ch4", "methane", 0.4, "%CH4", T0}}),
                    T0);
      const auto r = ingest.handle(
          TOPIC, readings(2, {{"gd-1.gas", "h2s", 20, "ppm", T0 + 1000}, {"ch4-1.ch4", "methane", 1.2, "%CH4", T0 + 1000}}, true),
          T0 + 60'000);
      REQUIRE(r.alarms.size() == 2);
      id = r.alarms[0].point == "gd-1.gas" ? r.alarms[0].id : r.alarms[1].id;
      CHECK(store.backfill_marks().size() == 2);
    }
    // WHEN the aggregator restarts in the middle of the backfill
    Ingest ingest(cfg, store);
    // THEN notifications are seeded with the levels from before it: nothing told of red yet
    for (const auto& a : ingest.alarms_as_told()) {
      if (a.kind == "threshold") CHECK(a.level == Level::normal);
    }
    // AND methane falls back inside the backfill: it rose and fell
    auto r = ingest.handle(TOPIC, readings(3, {{"ch4-1.ch4", "methane", 0.4, "%CH4", T0 + 2000}}, true), T0 + 61'000);
    REQUIRE(r.alarms.size() == 1);
    CHECK(!r.alarms[0].page);
    // WHEN the first live batch comes THEN H2S, still red, pages once; methane does not
    r = ingest.handle(TOPIC, readings(4, {{"gd-1.gas", "h2s", 20, "ppm", T0 + 62'000}}), T0 + 62'000);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].point == "gd-1.gas");
    CHECK(r.alarms[0].level == Level::red);
    CHECK(r.alarms[0].page);
    CHECK(r.alarms[0].id == id);
    CHECK(store.backfill_marks().empty());
    // AND after another restart nothing of it is left to page
    Ingest again(cfg, store);
    for (const auto& a : again.alarms_as_told()) {
      if (a.point == "gd-1.gas" && a.kind == "threshold") CHECK(a.level == Level::red);
    }
    for (const auto& a : again.tick(T0 + 62'000 + BACKFILL_END_MS)) CHECK(a.kind == "comm_loss");
  }

  TEST_CASE("a backfill under way when the aggregator stopped ends by silence after the restart and pages") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    {
      Ingest ingest(cfg, store);
      const auto r = ingest.handle(TOPIC, readings(1, {{"gd-1.gas", "h2s", 20, "ppm", T0}}, true), T0 + 60'000);
      REQUIRE(r.alarms.size() == 1);
      CHECK(!r.alarms[0].page);
    }
    Ingest ingest(cfg, store);
    // THEN the run's silence counts from its last batch, as before the restart
    for (const auto& a : ingest.tick(T0 + 60'000 + BACKFILL_END_MS - 1)) CHECK(a.kind == "comm_loss");
    const auto t = ingest.tick(T0 + 60'000 + BACKFILL_END_MS);
    REQUIRE(t.size() >= 1);
    CHECK(t[0].kind == "threshold");
    CHECK(t[0].level == Level::red);
    CHECK(t[0].page);
    CHECK(store.backfill_marks().empty());
  }

  TEST_CASE("an alarm still up when a backfill falls silent pages after BACKFILL_END_MS") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    auto r = ingest.handle(TOPIC, readings(1, {{"gd-1.gas", "h2s", 20, "ppm", T0}}, true), T0 + 60'000);
    REQUIRE(r.alarms.size() == 1);
    CHECK(!r.alarms[0].page);
    CHECK(ingest.tick(T0 + 60'000 + BACKFILL_END_MS - 1).empty());
    const auto t = ingest.tick(T0 + 60'000 + BACKFILL_END_MS);
    REQUIRE(t.size() == 1);
    CHECK(t[0].level == Level::red);
    CHECK(t[0].page);
    CHECK(t[0].id == r.alarms[0].id);
    CHECK(ingest.tick(T0 + 60'000 + 2 * BACKFILL_END_MS).empty());  // once
  }

  TEST_CASE("communication loss after silence - cleared by the next reading - kept apart from the process alarm") {
    TempDir dir;
    auto cfg = config_for(dir);
    cfg.comm_loss.push_back({Scope{}, 3.0, 10'000, std::nullopt, std::nullopt, std::nullopt});
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    // GIVEN a methane point in alarm, polled every 10 s (configured)
    ingest.handle(TOPIC, batch(1, 1.2, T0), T0);
    CHECK(ingest.tick(T0 + 30'000).empty());
    // WHEN nothing arrives for more than 30 s THEN a comm-loss alarm of its own
    auto t = ingest.tick(T0 + 30'001);
    REQUIRE(t.size() == 1);
    CHECK(t[0].kind == "comm_loss");
    CHECK(t[0].rule == "comm.no_data");
    CHECK(t[0].level == Level::yellow);
    CHECK(t[0].point == "ch4-1.ch4");
    // AND the process alarm is untouched
    int orange = 0;
    for (const auto& a : ingest.current_alarms()) orange += a.kind == "threshold" && a.level == Level::orange;
    CHECK(orange == 1);
    CHECK(ingest.tick(T0 + 40'000).empty());  // raised once, not again every tick
    // WHEN a reading arrives THEN the loss clears at once
    auto r = ingest.handle(TOPIC, batch(2, 1.2, T0 + 41'000), T0 + 41'000);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].kind == "comm_loss");
    CHECK(r.alarms[0].level == Level::normal);
    CHECK(r.alarms[0].state == "returned_unacknowledged");
    CHECK(ingest.tick(T0 + 41'500).empty());
  }

  TEST_CASE("the gateway's last will raises communication loss for each of its points at once") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    ingest.handle(TOPIC, readings(1, {{"gd-1.gas", "h2s", 1, "ppm", T0}, {"ch4-1.ch4", "methane", 0.1, "%CH4", T0}}),
                  T0);
    // a status saying online changes nothing
    auto r = ingest.handle(STATUS, R"({"v":1,"gateway":"gw-1","online":true,"firmware":"0.1.0","boot":1,"uptime_s":5,"ts":1764100000000,"site_hash":"x"})", T0 + 1);
    CHECK(r.alarms.empty());
    // WHEN the broker publishes the last will
    r = ingest.handle(STATUS, R"({"v":1,"gateway":"gw-1","online":false})", T0 + 2);
    // THEN both points have lost communication, now
    CHECK(r.outcome == IngestResult::Outcome::accepted);
    REQUIRE(r.alarms.size() == 2);
    for (const auto& a : r.alarms) {
      CHECK(a.kind == "comm_loss");
      CHECK(a.rule == "comm.gateway_offline");
      CHECK(a.ts_ms == T0 + 2);
      // each its own alarm id, audited like an alarm from a reading
      CHECK(a.id > 0);
      const auto events = store.alarm_events(a.id);
      REQUIRE(events.size() == 1);
      CHECK(events[0].action == "raised");
      CHECK(events[0].kind == RuleKind::comm_loss);
      CHECK(events[0].who == "system");
    }
    CHECK(r.alarms[0].id != r.alarms[1].id);
    // AND it is stored: after a restart it is still there
    Ingest again(cfg, store);
    int lost = 0;
    for (const auto& a : again.current_alarms()) lost += a.kind == "comm_loss" && a.level != Level::normal;
    CHECK(lost == 2);
    // WHEN the gateway is back (online = true) THEN the losses clear: its points spoke 4 ms ago
    r = ingest.handle(STATUS, R"({"v":1,"gateway":"gw-1","online":true,"firmware":"0.1.0","boot":2,"uptime_s":1,"ts":1764100000004,"site_hash":"x"})", T0 + 4);
    REQUIRE(r.alarms.size() == 2);
    for (const auto& a : r.alarms) CHECK(a.level == Level::normal);
    // AND a malformed status is rejected with its reason
    r = ingest.handle(STATUS, R"({"v":1,"gateway":"gw-1"})", T0 + 3);
    CHECK(r.outcome == IngestResult::Outcome::rejected);
    CHECK(r.reason.find("online") != std::string::npos);
    r = ingest.handle(STATUS, R"({"v":1,"gateway":"gw-9","online":false})", T0 + 3);
    CHECK(r.outcome == IngestResult::Outcome::rejected);
    CHECK(r.reason.find("does not match") != std::string::npos);
  }

  TEST_CASE("a gateway whose outbox cannot take readings raises one system fault - its next good status clears it") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    ingest.handle(TOPIC, readings(1, {{"ch4-1.ch4", "methane", 0.1, "%CH4", T0}}), T0);
    const auto status = [](const std::string& storage) {
      return R"({"v":1,"gateway":"gw-1","online":true,"firmware":"0.1.0","boot":1,"uptime_s":5,"ts":1764100000000,)"
             R"("site_hash":"x","storage":)" + storage + "}";
    };
    const std::string ok = R"({"fault":"none","held":0,"held_max":100000,"dropped":0,"latched_saved":true})";
    const std::string full = R"({"fault":"disk_full","held":412,"held_max":100000,"dropped":0,"latched_saved":false,)"
                             R"("error":"outbox.sqlite: database or disk is full","since":1764100000000})";
    // GIVEN a gateway whose storage is fine: nothing
    CHECK(ingest.handle(STATUS, status(ok), T0 + 1).alarms.empty());
    // WHEN its status says the disk is full THEN a yellow system fault of the gateway, once
    auto r = ingest.handle(STATUS, status(full), T0 + 2);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].kind == "system_fault");
    CHECK(r.alarms[0].point == "gw-1.storage");
    CHECK(r.alarms[0].quantity == "gateway_storage");
    CHECK(r.alarms[0].level == Level::yellow);
    CHECK(r.alarms[0].rule == "gateway.disk_full");
    CHECK(r.alarms[0].state == "active_unacknowledged");
    CHECK(r.alarms[0].id > 0);
    CHECK(ingest.handle(STATUS, status(full), T0 + 3).alarms.empty());  // the same fault: no change
    // AND it is no process alarm: the site's level stays normal
    CHECK(ingest.site_level("xj-mine", "mine-1") == Level::normal);
    // AND a last will leaves it as it is; it survives a restart
    CHECK(ingest.handle(STATUS, R"({"v":1,"gateway":"gw-1","online":false})", T0 + 4).alarms.size() == 1);  // comm_loss
    Ingest again(cfg, store);
    int faults = 0;
    for (const auto& a : again.current_alarms()) faults += a.kind == "system_fault" && a.level == Level::yellow;
    CHECK(faults == 1);
    // WHEN its next status has no fault THEN it returns to normal, unacknowledged
    r = again.handle(STATUS, status(ok), T0 + 5);
    bool cleared = false;
    for (const auto& a : r.alarms) {
      if (a.kind != "system_fault") continue;
      cleared = a.level == Level::normal && a.state == "returned_unacknowledged";
    }
    CHECK(cleared);
    // AND a status of an older gateway, without storage, is no fault either
    CHECK(again.handle(STATUS, R"({"v":1,"gateway":"gw-1","online":true,"firmware":"0.1.0","boot":1,"uptime_s":5,"ts":1764100000000,"site_hash":"x"})", T0 + 6).alarms.empty());
  }

  TEST_CASE("the aggregator's own database refusing writes raises one system fault per site - held in memory and stored once it takes writes") {
    TempDir dir;
    auto cfg = config_for(dir);
    cfg.enterprises.push_back({"xj-chem", "430203", {{"plant-2", "430204"}}});  // a site nothing was heard from yet
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    ingest.handle(TOPIC, readings(1, {{"ch4-1.ch4", "methane", 0.1, "%CH4", T0}}), T0);
    const auto own = [](const std::vector<AlarmRecord>& alarms) {
      int n = 0;
      for (const auto& a : alarms) n += a.key.point == OWN_STORAGE_POINT;
      return n;
    };
    // WHEN the database starts refusing THEN a yellow system fault at each site known, to page
    auto r = ingest.own_storage(true, T0 + 1);
    REQUIRE(r.size() == 2);
    CHECK(r[0].enterprise == "xj-chem");  // in (enterprise, site) order
    CHECK(r[0].site == "plant-2");
    CHECK(r[1].site == "mine-1");
    for (const auto& a : r) {
      CHECK(a.point == "aggregator.storage");
      CHECK(a.kind == "system_fault");
      CHECK(a.quantity == "aggregator_storage");
      CHECK(a.level == Level::yellow);
      CHECK(a.state == "active_unacknowledged");
      CHECK(a.rule == "aggregator.write_refused");
      CHECK(a.page);
      CHECK(a.id > 0);
    }
    CHECK(r[0].id != r[1].id);
    // AND it is not written (the database would refuse it): it stands in memory, as live alarms show it
    CHECK(own(store.alarms()) == 0);
    CHECK(ingest.alarm_book().size() == 2);
    // AND a refused turn's reload keeps it, and the ids it took are not given again
    ingest.reload();
    int standing = 0;
    for (const auto& a : ingest.current_alarms()) standing += a.point == OWN_STORAGE_POINT && a.level == Level::yellow;
    CHECK(standing == 2);
    CHECK(ingest.own_storage(true, T0 + 2).empty());  // the same fault: no change
    const auto methane = ingest.handle(TOPIC, readings(2, {{"ch4-1.ch4", "methane", 1.2, "%CH4", T0 + 3}}), T0 + 3);
    REQUIRE(methane.alarms.size() == 1);
    CHECK(methane.alarms[0].id > std::max(r[0].id, r[1].id));
    // WHEN the database takes writes again THEN each returns to normal, unacknowledged
    r = ingest.own_storage(false, T0 + 4);
    REQUIRE(r.size() == 2);
    for (const auto& a : r) {
      CHECK(a.level == Level::normal);
      CHECK(a.state == "returned_unacknowledged");
      CHECK(a.since_ms == T0 + 4);
    }
    // AND the occurrence is stored whole: raised while refused, returned now
    CHECK(own(store.alarms()) == 2);
    const auto events = store.alarm_events(r[0].id);
    REQUIRE(events.size() == 2);
    CHECK(events[0].ts_ms == T0 + 1);
    CHECK(events[0].to_level == Level::yellow);
    CHECK(events[1].ts_ms == T0 + 4);
    CHECK(events[1].to_level == Level::normal);
    // AND a restart finds it as it stands, for a person to acknowledge
    Ingest again(cfg, store);
    standing = 0;
    for (const auto& a : again.current_alarms()) {
      standing += a.point == OWN_STORAGE_POINT && a.state == "returned_unacknowledged";
    }
    CHECK(standing == 2);
  }

  TEST_CASE("a gateway's clock far from the aggregator's is flagged - ahead at once - behind only for live batches on a settled connection") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    constexpr std::int64_t DAY = 86'400'000;
    const auto clock_alarm = [](const IngestResult& r) -> std::optional<lookout::wire::AlarmMessage> {
      for (const auto& a : r.alarms) {
        if (a.point == "gw-1.clock") return a;
      }
      return std::nullopt;
    };
    const auto at = [](std::uint64_t seq, std::int64_t ts, bool backfill = false) {
      return readings(seq, {{"ch4-1.ch4", "methane", 0.2, "%CH4", ts}}, backfill);
    };
    // GIVEN the listener connected 10 min ago and a batch on time: nothing
    ingest.listener_up_since(T0 - 600'000);
    CHECK(!clock_alarm(ingest.handle(TOPIC, at(1, T0), T0 + 300)));
    // WHEN a batch is stamped a day ahead THEN a yellow system fault says by how much
    auto a = clock_alarm(ingest.handle(TOPIC, at(2, T0 + DAY), T0 + 1000));
    REQUIRE(a);
    CHECK(a->kind == "system_fault");
    CHECK(a->quantity == "gateway_clock");
    CHECK(a->level == Level::yellow);
    CHECK(a->rule == "gateway.clock_ahead");
    CHECK(*a->value == doctest::Approx(86'399.0));
    CHECK(a->unit == "s");
    // AND the next a day ahead changes nothing; one 2 min ahead is within the bounds: back to normal
    CHECK(!clock_alarm(ingest.handle(TOPIC, at(3, T0 + DAY + 1000), T0 + 2000)));
    a = clock_alarm(ingest.handle(TOPIC, at(4, T0 + 3000 + CLOCK_TOLERANCE_MS), T0 + 3000));
    REQUIRE(a);
    CHECK(a->level == Level::normal);
    CHECK(a->state == "returned_unacknowledged");
    // WHEN a live batch is stamped an hour behind THEN flagged behind
    a = clock_alarm(ingest.handle(TOPIC, at(5, T0 + 4000 - 3'600'000), T0 + 4000));
    REQUIRE(a);
    CHECK(a->rule == "gateway.clock_behind");
    CHECK(*a->value == doctest::Approx(-3600.0));
    // AND a backfill's old times say nothing of the clock, nor does a hole filled late
    CHECK(!clock_alarm(ingest.handle(TOPIC, at(7, T0 - DAY, true), T0 + 5000)));
    CHECK(!clock_alarm(ingest.handle(TOPIC, at(6, T0 + 5000), T0 + 5000)));
    // AND a batch on time returns it to normal
    CHECK(clock_alarm(ingest.handle(TOPIC, at(8, T0 + 7000), T0 + 7000))->level == Level::normal);
    // WHEN the listener has just connected THEN an old live batch may have waited in the
    // broker for it: not flagged behind; ahead still is, and on time still clears it
    ingest.listener_up_since(T0 + 8000);
    CHECK(!clock_alarm(ingest.handle(TOPIC, at(9, T0 - 3'600'000), T0 + 9000)));
    CHECK(clock_alarm(ingest.handle(TOPIC, at(10, T0 + DAY), T0 + 10'000))->rule == "gateway.clock_ahead");
    CHECK(clock_alarm(ingest.handle(TOPIC, at(11, T0 + 11'000), T0 + 11'000))->level == Level::normal);
    // AND once it has been up for the tolerance, behind is judged again
    a = clock_alarm(ingest.handle(TOPIC, at(12, T0 - 3'600'000), T0 + 8000 + CLOCK_TOLERANCE_MS));
    REQUIRE(a);
    CHECK(a->rule == "gateway.clock_behind");
  }

  TEST_CASE("live status is told which points a rule judges and which are derived") {
    TempDir dir;
    auto cfg = config_for(dir);
    DerivedRule rule{"dam.freeboard", DerivedKind::freeboard, {"rl-1.level"}, 250.0, 0,
                     derived_lines(DerivedKind::freeboard, 0.7)};
    cfg.derived.push_back({"xj-mine", "mine-1", rule});
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    // GIVEN methane (a built-in threshold), a temperature and a gateway-computed phreatic
    // depth (no rule of their own) and the water level a derived freeboard is computed from
    ingest.handle(TOPIC,
                  readings(1, {{"ch4-1.ch4", "methane", 0.2, "%CH4", T0},
                               {"ch4-1.temperature", "temperature", 20.0, "degC", T0},
                               {"vw-1.ch1_phreatic_depth", "phreatic_depth", 5.2, "m", T0},
                               {"rl-1.level", "water_level", 248.0, "m", T0}}),
                  T0);
    const auto judging = [&](const char* point) { return ingest.judging({"xj-mine", "mine-1", point}); };
    CHECK(judging("ch4-1.ch4").judged);
    CHECK_FALSE(judging("ch4-1.ch4").derived);
    CHECK_FALSE(judging("ch4-1.temperature").judged);
    CHECK_FALSE(judging("vw-1.ch1_phreatic_depth").judged);  // the derived point judges, not its raw twin
    CHECK(judging("dam.freeboard").derived);
    CHECK(judging("dam.freeboard").judged);
    CHECK_FALSE(judging("never-heard.x").judged);
  }

  TEST_CASE("derived freeboard from a water-level point and the installation record") {
    TempDir dir;
    auto cfg = config_for(dir);
    DerivedRule rule{"dam.freeboard", DerivedKind::freeboard, {"rl-1.level"}, 250.0, 0,
                     derived_lines(DerivedKind::freeboard, 0.7)};
    rule.lines.name = "derived.freeboard";
    cfg.derived.push_back({"xj-mine", "mine-1", rule});
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    auto r = ingest.handle(TOPIC, readings(1, {{"rl-1.level", "water_level", 248.0, "m", T0}}), T0);
    CHECK(r.alarms.empty());
    // WHEN the water rises to 249.5 m THEN freeboard 0.5 m is under the 0.7 m design minimum: red
    r = ingest.handle(TOPIC, readings(2, {{"rl-1.level", "water_level", 249.5, "m", T0 + 3'600'000}}),
                      T0 + 3'600'000);
    const lookout::wire::AlarmMessage* derived = nullptr;
    for (const auto& a : r.alarms) {
      if (a.kind == "derived") derived = &a;
    }
    REQUIRE(derived != nullptr);
    CHECK(derived->point == "dam.freeboard");
    CHECK(derived->level == Level::red);
    CHECK(derived->quantity == "freeboard");
    CHECK(*derived->value == doctest::Approx(0.5));
    CHECK(derived->unit == "m");
    // AND its values are readings of the derived point: latest value and history
    const PointKey key{"xj-mine", "mine-1", "dam.freeboard"};
    std::optional<LatestValue> latest;
    for (const auto& v : store.latest()) {
      if (v.key == key) latest = v;
    }
    REQUIRE(latest.has_value());
    CHECK(latest->reading.quantity == "freeboard");
    CHECK(*latest->reading.value == doctest::Approx(0.5));
    CHECK(latest->reading.unit == "m");
    CHECK(latest->reading.ts_ms == T0 + 3'600'000);
    CHECK(latest->level == Level::red);
    const auto history = store.readings(key, 0, T0 + 3'600'000, std::numeric_limits<std::int64_t>::min(), 0, 10);
    REQUIRE(history.size() == 2);
    CHECK(*history[0].reading.value == doctest::Approx(2.0));
    CHECK(history[0].level == Level::normal);
    CHECK(*history[1].reading.value == doctest::Approx(0.5));
    CHECK(history[1].level == Level::red);
    // AND an input in another unit than m is no elevation: ignored, the value stays
    r = ingest.handle(TOPIC, readings(3, {{"rl-1.level", "water_level", 10.0, "kPa", T0 + 3'700'000}}),
                      T0 + 3'700'000);
    for (const auto& a : r.alarms) CHECK(a.kind != "derived");
    CHECK(store.readings(key, 0, T0 + 4'000'000, std::numeric_limits<std::int64_t>::min(), 0, 10).size() == 2);
    // AND after a restart the derived point is not watched for silence: its input is
    Ingest again(cfg, store);
    again.tick(T0 + 3'700'000);
    const auto lost = again.tick(T0 + 90'000'000);
    REQUIRE(lost.size() == 1);
    CHECK(lost[0].point == "rl-1.level");
  }

  TEST_CASE("a latch reset is refused while methane is still over the restore value") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    ingest.handle(TOPIC, batch(1, 1.6, T0), T0);
    ingest.handle(TOPIC, batch(2, 1.1, T0 + 1000), T0 + 1000);
    auto reset = ingest.reset_latch({"xj-mine", "mine-1", "ch4-1.ch4"}, T0 + 2000);
    CHECK(!reset.done);
    CHECK(reset.reason.find("restore") != std::string::npos);
    CHECK(reset.alarms.empty());
    CHECK(!ingest.reset_latch({"xj-mine", "mine-1", "nope.x"}, T0).done);
  }

  TEST_CASE("a site's level rolls up its points by quantity") {
    TempDir dir;
    auto cfg = config_for(dir);
    ThresholdOverride o{Scope{}, "temperature", ThresholdRule{"config.temperature", "degC", {{Level::blue, 40, 40}}, {}},
                        {}, Level::normal, false};
    cfg.thresholds.push_back(o);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    ingest.handle(TOPIC,
                  readings(1, {{"t-1.t", "temperature", 41, "degC", T0},
                               {"t-2.t", "temperature", 41, "degC", T0},
                               {"t-3.t", "temperature", 41, "degC", T0}}),
                  T0);
    CHECK(ingest.site_level("xj-mine", "mine-1") == Level::blue);
    // WHEN a fourth point turns blue THEN four blue points make the quantity yellow (GB 39496 5.5.4)
    ingest.handle(TOPIC, readings(2, {{"t-4.t", "temperature", 41, "degC", T0 + 1}}), T0 + 1);
    CHECK(ingest.site_level("xj-mine", "mine-1") == Level::yellow);
    CHECK(ingest.site_level("xj-mine", "other") == Level::normal);
  }
}

TEST_SUITE("aggregator.ingest") {
  TEST_CASE("a device that keeps being reported offline is a communication loss") {
    TempDir dir;
    auto cfg = parse_aggregator_config("[mqtt]\nuri = \"tcp://127.0.0.1:1\"\n[storage]\npath = \"x.db\"\n"
                                       "[[comm_loss]]\nmultiple = 3\nmin_timeout_s = 2\n",
                                       dir / "a.toml");
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    std::uint64_t seq = 1;
    std::int64_t t = T0;
    // GIVEN readings every 250 ms for 2 s
    for (; t < T0 + 2000; t += 250) {
      ingest.handle(TOPIC, batch(seq++, 0.2, t), t + 5);
      CHECK(ingest.tick(t + 5).empty());
    }
    // WHEN the device stops answering and the gateway reports it offline every 250 ms
    std::vector<lookout::wire::AlarmMessage> raised;
    for (; t < T0 + 6000 && raised.empty(); t += 250) {
      ingest.handle(TOPIC, batch(seq++, 0, t, "bad", "offline"), t + 5);
      raised = ingest.tick(t + 5);
    }
    // THEN after 2 s (the floor: 3 x 250 ms is less) a comm loss by silence
    REQUIRE(raised.size() == 1);
    CHECK(raised[0].rule == "comm.no_data");
    CHECK(t - 250 + 5 - (T0 + 1750 + 5) > 2000);
    CHECK(t - 250 + 5 - (T0 + 1750 + 5) <= 2250);
  }
}

TEST_SUITE("aggregator.ingest") {
  TEST_CASE("a reading sent again in a later batch is stored once - that batch is accepted without a gap") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    // GIVEN a reading stored from batch 1
    CHECK(ingest.handle(TOPIC, batch(1, 0.3, 1764100000000), 1764100000100).outcome ==
          IngestResult::Outcome::accepted);
    // WHEN batch 2 brings the same point at the same measurement time (a gateway restarted)
    const auto r = ingest.handle(TOPIC, batch(2, 0.3, 1764100000000), 1764100001100);
    // THEN batch 2 is accepted (so acknowledged), leaves no gap, and the reading is stored once
    CHECK(r.outcome == IngestResult::Outcome::accepted);
    CHECK(store.has_batch({"xj-mine", "mine-1", "gw-1"}, 2));
    CHECK(store.sequence_gaps().empty());
    CHECK(store.readings({"xj-mine", "mine-1", "ch4-1.ch4"}, 0, 1764200000000, 0, 0, 10).size() == 1);
  }
}

namespace {

/// A batch of one methane reading from the outbox `epoch`, keeping batches from `oldest` on.
std::string from_outbox(std::uint64_t epoch, std::uint64_t seq, double ch4, std::int64_t ts, std::uint64_t oldest = 0) {
  auto j = nlohmann::json::parse(batch(seq, ch4, ts));
  j["epoch"] = epoch;
  if (oldest != 0) j["oldest"] = oldest;
  return j.dump();
}

}  // namespace

TEST_SUITE("aggregator.ingest") {
  TEST_CASE("a new outbox under numbers already stored stores nothing and is asked to renumber - then it is stored and judged") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    const lookout::wire::GatewayAddress gw{"xj-mine", "mine-1", "gw-1"};
    const lookout::aggregator::PointKey point{"xj-mine", "mine-1", "ch4-1.ch4"};
    {
      Ingest ingest(cfg, store);
      for (std::uint64_t s = 1; s <= 3; ++s) {
        CHECK(ingest.handle(TOPIC, from_outbox(111, s, 0.2, T0 + static_cast<std::int64_t>(s)), T0 + 10).outcome ==
              IngestResult::Outcome::accepted);
      }
      // WHEN the gateway comes back with a wiped data directory: a new outbox numbering from 1
      auto r = ingest.handle(TOPIC, from_outbox(222, 1, 1.2, T0 + 60'000), T0 + 60'100);
      // THEN nothing of it is stored or acknowledged, and it is asked to number after 3
      CHECK(r.outcome == IngestResult::Outcome::renumber);
      REQUIRE(r.delivery);
      CHECK(r.delivery->ack.stored == 0);
      CHECK(r.delivery->ack.renumber_after == 3u);
      CHECK(!r.delivery->ack.resend_from);
      CHECK(r.alarms.empty());
      CHECK(store.readings(point, 0, T0 + 1'000'000, 0, 0, 10).size() == 3);
      CHECK(ingest.counters().renumbered == 1);
      // WHEN it sends the batch again as 4 THEN it is stored, judged (orange) and acknowledged, without a gap
      r = ingest.handle(TOPIC, from_outbox(222, 4, 1.2, T0 + 60'000, 4), T0 + 61'000);
      CHECK(r.outcome == IngestResult::Outcome::accepted);
      REQUIRE(r.alarms.size() == 1);
      CHECK(r.alarms[0].level == Level::orange);
      CHECK(r.delivery->ack.stored == 4);
      CHECK(!r.delivery->ack.renumber_after);
      CHECK(store.sequence_gaps().empty());
      // AND one it sent before it renumbered, arriving late, is not taken for a batch 2
      r = ingest.handle(TOPIC, from_outbox(222, 2, 1.3, T0 + 62'000), T0 + 62'100);
      CHECK(r.outcome == IngestResult::Outcome::renumber);
      CHECK(r.delivery->ack.renumber_after == 3u);
    }
    // AND after a restart the new outbox is known from the database
    Ingest again(cfg, store);
    CHECK(again.handle(TOPIC, from_outbox(222, 3, 1.3, T0 + 63'000), T0 + 63'100).outcome ==
          IngestResult::Outcome::renumber);
    CHECK(again.handle(TOPIC, from_outbox(222, 5, 1.3, T0 + 63'000), T0 + 63'200).outcome ==
          IngestResult::Outcome::accepted);
    CHECK(store.readings(point, 0, T0 + 1'000'000, 0, 0, 10).size() == 5);
    CHECK(store.outbox_epoch(gw)->epoch == 222);
    CHECK(store.outbox_epoch(gw)->since == 4);
  }

  TEST_CASE("a new outbox still keeping a number already stored is renumbered even when this batch's number is new") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    for (std::uint64_t s = 1; s <= 3; ++s) ingest.handle(TOPIC, from_outbox(111, s, 0.2, T0 + static_cast<std::int64_t>(s)), T0 + 10);
    // its batches 1 to 4 were lost on the way; 5 arrives first, and it keeps them from 2 on
    const auto r = ingest.handle(TOPIC, from_outbox(222, 5, 0.2, T0 + 60'000, 2), T0 + 60'100);
    CHECK(r.outcome == IngestResult::Outcome::renumber);
    CHECK(r.delivery->ack.renumber_after == 3u);
    // one that keeps nothing at or below 3 is taken as it is
    CHECK(ingest.handle(TOPIC, from_outbox(222, 5, 0.2, T0 + 60'000, 4), T0 + 60'200).outcome ==
          IngestResult::Outcome::accepted);
  }

  TEST_CASE("the first epoch a gateway names owns its numbers - a batch sent again is a duplicate") {
    TempDir dir;
    const auto cfg = config_for(dir);
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    // GIVEN batches from before epochs (a gateway's firmware updated with its outbox kept)
    ingest.handle(TOPIC, batch(1, 0.2, T0), T0 + 10);
    ingest.handle(TOPIC, batch(2, 0.2, T0 + 1), T0 + 10);
    // WHEN batch 2 comes again, now naming its outbox THEN it is the same batch
    CHECK(ingest.handle(TOPIC, from_outbox(333, 2, 0.2, T0 + 1), T0 + 20).outcome == IngestResult::Outcome::duplicate);
    CHECK(ingest.handle(TOPIC, from_outbox(333, 3, 0.2, T0 + 2), T0 + 30).outcome == IngestResult::Outcome::accepted);
    CHECK(ingest.counters().renumbered == 0);
    // AND a new gateway's first outbox starts its record
    const lookout::wire::GatewayAddress gw{"xj-mine", "mine-1", "gw-1"};
    CHECK(store.outbox_epoch(gw)->epoch == 333);
    CHECK(store.outbox_epoch(gw)->since == 0);
  }
}
