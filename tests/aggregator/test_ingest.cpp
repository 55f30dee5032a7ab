#include <doctest/doctest.h>

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
    auto r = ingest.handle(TOPIC, batch(1, 0, 1764100000000, "bad", "warming_up"), 1);
    CHECK(r.outcome == IngestResult::Outcome::accepted);
    CHECK(r.alarms.empty());
    auto latest = store.latest();
    CHECK(latest[0].reading.quality == lookout::wire::Quality::bad);
    CHECK(latest[0].reading.status == lookout::wire::DeviceStatus::warming_up);
    CHECK(!latest[0].reading.value);
    // over range is at least full scale: red at the working face
    r = ingest.handle(TOPIC, batch(2, 4.0, 1764100001000, "uncertain", "over_range"), 2);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].level == Level::red);
    // GIVEN red WHEN the sensor goes into calibration THEN the alarm stays
    r = ingest.handle(TOPIC, batch(3, 0, 1764100002000, "bad", "sensor_fault"), 3);
    CHECK(r.alarms.empty());
    CHECK(store.latest()[0].level == Level::red);
  }

  TEST_CASE("alarm state survives a restart") {
    TempDir dir;
    const auto cfg = config_for(dir);
    {
      SqliteStore store(cfg.database);
      Ingest ingest(cfg, store);
      ingest.handle(TOPIC, batch(1, 1.6), 1);
    }
    SqliteStore store(cfg.database);
    Ingest ingest(cfg, store);
    const auto alarms = ingest.current_alarms();
    REQUIRE(alarms.size() == 1);
    CHECK(alarms[0].level == Level::red);
    // the power-cut level holds at 1.2 after the restart too
    auto r = ingest.handle(TOPIC, batch(2, 1.2, 1764100001000), 2);
    CHECK(r.alarms.empty());
    r = ingest.handle(TOPIC, batch(3, 0.5, 1764100002000), 3);
    REQUIRE(r.alarms.size() == 1);
    CHECK(r.alarms[0].level == Level::normal);
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
