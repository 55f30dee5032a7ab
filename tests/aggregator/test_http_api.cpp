#include <doctest/doctest.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "aggregator/alarm_desk.hpp"
#include "aggregator/http_api.hpp"
#include "aggregator/sqlite_store.hpp"
#include "tests/support/process.hpp"

using namespace lookout::aggregator;
using lookout::test::TempDir;
using lookout::wire::Level;
using nlohmann::json;

namespace {

constexpr std::int64_t T0 = 1764100000000;  // [ms UTC]

std::string batch(const std::string& gateway, std::uint64_t seq, const std::string& point, const std::string& quantity,
                  const std::string& unit, double value, std::int64_t ts) {
  json r{{"point", point}, {"quantity", quantity}, {"unit", unit}, {"ts", ts}, {"quality", "good"}, {"value", value}};
  return json{{"v", 1}, {"gateway", gateway}, {"seq", seq}, {"boot", 1}, {"readings", {r}}}.dump();
}

/// Two enterprises in two cities, an alarm at each, and a token of every kind.
struct World {
  TempDir dir;
  AggregatorConfig cfg;
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<Ingest> ingest;
  std::unique_ptr<AlarmDesk> desk;
  Divisions divisions;
  EventHub hub;
  std::unique_ptr<HttpApi> api;
  std::int64_t mine_alarm = 0;
  std::int64_t chem_alarm = 0;

  explicit World(const std::function<void(AggregatorConfig&)>& setup = nullptr) {
    cfg.database = dir / "lookout.db";
    if (setup) setup(cfg);
    store = std::make_unique<SqliteStore>(cfg.database);
    ingest = std::make_unique<Ingest>(cfg, *store);
    desk = std::make_unique<AlarmDesk>(*ingest, *store);
    divisions.set_enterprise("xj-mine", "430211");  // Zhuzhou
    divisions.set_enterprise("xj-chem", "430102");  // Changsha
    api = std::make_unique<HttpApi>(*store, *ingest, *desk, divisions, hub);
    mine_alarm = ingest->handle("lookout/v1/xj-mine/mine-1/gw-1/up/readings",
                                batch("gw-1", 1, "ch4-1.ch4", "methane", "%CH4", 1.2, T0), T0)
                     .alarms.at(0)
                     .id;
    chem_alarm = ingest->handle("lookout/v1/xj-chem/plant-1/gw-9/up/readings",
                                batch("gw-9", 1, "gd-1.gas", "h2s", "ppm", 8, T0), T0)
                     .alarms.at(0)
                     .id;
    for (int i = 2; i <= 6; ++i) {
      ingest->handle("lookout/v1/xj-mine/mine-1/gw-1/up/readings",
                     batch("gw-1", static_cast<std::uint64_t>(i), "ch4-1.temperature", "temperature", "degC", 20 + i,
                           T0 + i * 1000),
                     T0 + i * 1000);
    }
    token("admin", "", "");
    token("engineer", "", "");
    token("regulator", "4302", "");
    token("regulator", "4301", "");
    token("officer", "", "xj-mine");
    token("officer", "", "xj-chem");
  }

  void token(const std::string& role, const std::string& division, const std::string& enterprise) {
    const std::string name = role + division + enterprise;
    store->create_token({0, name, role, division, enterprise, T0, 0}, sha256_hex("secret-" + name));
  }

  HttpResponse call(const std::string& method, const std::string& target, const std::string& who,
                    const std::string& body = "") {
    return api->handle({method, target, who.empty() ? "" : "Bearer secret-" + who, body}, T0 + 10000);
  }
  json get(const std::string& target, const std::string& who) {
    const auto r = call("GET", target, who);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return json::parse(r.body);
  }
};

std::set<std::string> enterprises_in(const json& list) {
  std::set<std::string> out;
  for (const auto& p : list) out.insert(p["enterprise"].get<std::string>());
  return out;
}

}  // namespace

TEST_SUITE("aggregator.http_api") {
  TEST_CASE("no token or a wrong one is 401 - healthz is open") {
    World w;
    CHECK(w.call("GET", "/api/v1/status", "").status == 401);
    const auto r = w.call("GET", "/api/v1/status", "nobody");
    CHECK(r.status == 401);
    CHECK(json::parse(r.body)["error"] == "the bearer token is unknown or revoked");
    CHECK(w.api->handle({"GET", "/api/v1/status", "Basic dXNlcjpwYXNz", ""}, T0).status == 401);
    CHECK(w.call("GET", "/metrics", "").status == 401);
    CHECK(w.call("GET", "/healthz", "").status == 200);
    // a revoked token stops working at once
    CHECK(w.call("GET", "/api/v1/status", "engineer").status == 200);
    REQUIRE(w.store->revoke_token(2, T0));
    CHECK(w.call("GET", "/api/v1/status", "engineer").status == 401);
  }

  TEST_CASE("status is filtered by scope and by the query") {
    World w;
    CHECK(enterprises_in(w.get("/api/v1/status", "engineer")["points"]) == std::set<std::string>{"xj-chem", "xj-mine"});
    CHECK(enterprises_in(w.get("/api/v1/status", "regulator4302")["points"]) == std::set<std::string>{"xj-mine"});
    CHECK(enterprises_in(w.get("/api/v1/status", "regulator4301")["points"]) == std::set<std::string>{"xj-chem"});
    CHECK(enterprises_in(w.get("/api/v1/status", "officerxj-chem")["points"]) == std::set<std::string>{"xj-chem"});
    // filters: quantity, level at or above, enterprise
    auto p = w.get("/api/v1/status?quantity=methane", "engineer")["points"];
    REQUIRE(p.size() == 1);
    CHECK(p[0]["id"] == "xj-mine/mine-1/ch4-1.ch4");
    p = w.get("/api/v1/status?level=orange", "engineer")["points"];
    CHECK(p.size() == 2);
    p = w.get("/api/v1/status?level=red", "engineer")["points"];
    CHECK(p.empty());
    p = w.get("/api/v1/status?enterprise=xj-chem&site=plant-1", "regulator4302")["points"];
    CHECK(p.empty());
    CHECK(w.call("GET", "/api/v1/status?level=purple", "engineer").status == 400);
    // bytes that are not UTF-8 come back in the error replaced, not as a 500
    const auto bad = w.call("GET", "/api/v1/status?level=%ff", "engineer");
    CHECK(bad.status == 400);
    CHECK(json::parse(bad.body)["error"].get<std::string>().find("\xef\xbf\xbd") != std::string::npos);
  }

  TEST_CASE("alarm-system health over HTTP and in metrics - within the token's scope") {
    World w;
    lookout::aggregator::notify::HealthMonitor monitor;
    CHECK(w.call("GET", "/api/v1/health", "engineer").status == 503);  // no source yet
    w.api->health_from([&](std::int64_t now) { return monitor.figures(now); });
    // GIVEN both alarms raised, and the mine's methane alarm chattering: raised 3 times in a minute
    for (auto a : w.ingest->current_alarms()) monitor.record(a, T0);
    for (auto a : w.ingest->current_alarms()) {
      if (a.enterprise != "xj-mine") continue;
      for (int i = 1; i <= 2; ++i) {
        auto clear = a;
        clear.level = Level::normal;
        monitor.record(clear, T0 + i * 1000);
        monitor.record(a, T0 + i * 1000 + 500);
      }
    }
    // THEN an engineer sees 4 activations at two sites, one chattering alarm
    auto h = w.get("/api/v1/health", "engineer");
    CHECK(h["window_ms"] == 600000);
    CHECK(h["alarms"] == 4);
    CHECK(h["floods"] == 0);
    CHECK(h["sites"].size() == 2);
    REQUIRE(h["chattering"].size() == 1);
    CHECK(h["chattering"][0]["point"] == "ch4-1.ch4");
    CHECK(h["stale"].empty());
    // AND a Changsha regulator only the chemical plant's figures
    h = w.get("/api/v1/health", "regulator4301");
    CHECK(h["alarms"] == 1);
    REQUIRE(h["sites"].size() == 1);
    CHECK(h["sites"][0]["enterprise"] == "xj-chem");
    CHECK(h["chattering"].empty());
    CHECK(w.call("GET", "/api/v1/health", "").status == 401);
    CHECK(w.call("POST", "/api/v1/health", "admin").status == 405);
    // AND a day later the methane alarm, still unacknowledged, is stale
    const auto later = w.api->handle({"GET", "/api/v1/health", "Bearer secret-officerxj-mine", ""}, T0 + 90'000'000);
    REQUIRE(later.status == 200);
    h = json::parse(later.body);
    CHECK(h["alarms"] == 0);
    REQUIRE(h["stale"].size() == 1);
    CHECK(h["stale"][0]["point"] == "ch4-1.ch4");
    // AND /metrics carries the same figures
    const auto m = w.call("GET", "/metrics", "engineer");
    REQUIRE(m.status == 200);
    CHECK(m.body.find("\nlookout_alarm_activations 4\n") != std::string::npos);
    CHECK(m.body.find("lookout_alarm_activations{enterprise=\"xj-mine\",site=\"mine-1\"} 3\n") != std::string::npos);
    CHECK(m.body.find("\nlookout_alarm_floods 0\n") != std::string::npos);
    CHECK(m.body.find("\nlookout_alarms_stale 0\n") != std::string::npos);
    CHECK(m.body.find("\nlookout_alarms_chattering 1\n") != std::string::npos);
  }

  TEST_CASE("a derived point's value is in status - in its point - and in its readings") {
    World w([](AggregatorConfig& c) {
      DerivedRule rule{"dam.freeboard", DerivedKind::freeboard, {"rl-1.level"}, 250.0, 0,
                       derived_lines(DerivedKind::freeboard, 0.7)};
      c.derived.push_back({"xj-mine", "mine-1", rule});
    });
    // GIVEN the reservoir at 248 m, then at 249.5 m (crest 250 m, design minimum 0.7 m)
    w.ingest->handle("lookout/v1/xj-mine/mine-1/gw-1/up/readings",
                     batch("gw-1", 7, "rl-1.level", "water_level", "m", 248.0, T0 + 7000), T0 + 7000);
    w.ingest->handle("lookout/v1/xj-mine/mine-1/gw-1/up/readings",
                     batch("gw-1", 8, "rl-1.level", "water_level", "m", 249.5, T0 + 8000), T0 + 8000);
    // THEN status shows the freeboard, 0.5 m, red
    json found;
    const auto status = w.get("/api/v1/status?quantity=freeboard", "regulator4302");
    for (const auto& p : status["points"]) {
      if (p["point"] == "dam.freeboard") found = p;
    }
    REQUIRE(!found.is_null());
    CHECK(found["value"].get<double>() == doctest::Approx(0.5));
    CHECK(found["unit"] == "m");
    CHECK(found["level"] == "red");
    CHECK(found["ts"] == T0 + 8000);
    // AND its point, with its derived alarm
    const auto p = w.get("/api/v1/points/xj-mine/mine-1/dam.freeboard", "regulator4302");
    CHECK(p["value"].get<double>() == doctest::Approx(0.5));
    REQUIRE(p["alarms"].size() == 1);
    CHECK(p["alarms"][0]["kind"] == "derived");
    CHECK(p["alarms"][0]["level"] == "red");
    // AND its history: 2.0 m then 0.5 m
    const auto h = w.get("/api/v1/points/xj-mine/mine-1/dam.freeboard/readings", "regulator4302")["readings"];
    REQUIRE(h.size() == 2);
    CHECK(h[0]["value"].get<double>() == doctest::Approx(2.0));
    CHECK(h[0]["level"] == "normal");
    CHECK(h[1]["value"].get<double>() == doctest::Approx(0.5));
    CHECK(h[1]["level"] == "red");
    // AND the site rolls it up as the quantity freeboard
    const auto sites = w.get("/api/v1/status?site=mine-1&quantity=freeboard", "engineer")["sites"];
    REQUIRE(sites.size() == 1);
    CHECK(sites[0]["level"] == "red");
    CHECK(sites[0]["quantities"][0]["level"] == "red");
  }

  TEST_CASE("status rolls up each site and quantity - two orange points make the quantity red") {
    World w;
    // GIVEN a second H2S point at the chemical plant, orange like the first
    w.ingest->handle("lookout/v1/xj-chem/plant-1/gw-9/up/readings", batch("gw-9", 2, "gd-2.gas", "h2s", "ppm", 8, T0),
                     T0);
    const auto site_of = [](const json& sites, const std::string& site) {
      for (const auto& s : sites) {
        if (s["site"] == site) return s;
      }
      return json(nullptr);
    };
    auto sites = w.get("/api/v1/status", "engineer")["sites"];
    REQUIRE(sites.size() == 2);
    // THEN H2S is red by the roll-up (GB 39496 5.5.4), though no point is, and so is the plant
    const auto plant = site_of(sites, "plant-1");
    REQUIRE(!plant.is_null());
    CHECK(plant["enterprise"] == "xj-chem");
    CHECK(plant["level"] == "red");
    REQUIRE(plant["quantities"].size() == 1);
    CHECK(plant["quantities"][0]["quantity"] == "h2s");
    CHECK(plant["quantities"][0]["level"] == "red");
    CHECK(plant["quantities"][0]["highest_point_level"] == "orange");
    CHECK(plant["quantities"][0]["points"] == 2);
    // AND the mine is orange from methane; its temperature point, with no rule, is normal
    const auto mine = site_of(sites, "mine-1");
    REQUIRE(!mine.is_null());
    CHECK(mine["level"] == "orange");
    REQUIRE(mine["quantities"].size() == 2);
    CHECK(mine["quantities"][0]["quantity"] == "methane");
    CHECK(mine["quantities"][0]["level"] == "orange");
    CHECK(mine["quantities"][1]["quantity"] == "temperature");
    CHECK(mine["quantities"][1]["level"] == "normal");
    // AND the filters and scopes apply to sites as to points
    CHECK(enterprises_in(w.get("/api/v1/status", "regulator4302")["sites"]) == std::set<std::string>{"xj-mine"});
    CHECK(enterprises_in(w.get("/api/v1/status", "officerxj-chem")["sites"]) == std::set<std::string>{"xj-chem"});
    sites = w.get("/api/v1/status?level=red", "engineer")["sites"];
    REQUIRE(sites.size() == 1);
    CHECK(sites[0]["site"] == "plant-1");
    sites = w.get("/api/v1/status?quantity=temperature", "engineer")["sites"];
    REQUIRE(sites.size() == 1);
    CHECK(sites[0]["level"] == "orange");  // the site's level is from all its quantities
    REQUIRE(sites[0]["quantities"].size() == 1);
    CHECK(sites[0]["quantities"][0]["quantity"] == "temperature");
    CHECK(w.get("/api/v1/status?site=nowhere", "engineer")["sites"].empty());
    CHECK(w.get("/api/v1/status?enterprise=xj-chem", "regulator4302")["sites"].empty());
  }

  TEST_CASE("another's point and alarm do not exist for a token - actions it may not take are 403") {
    World w;
    // a Zhuzhou regulator sees the Zhuzhou mine's point and alarm
    CHECK(w.call("GET", "/api/v1/points/xj-mine/mine-1/ch4-1.ch4", "regulator4302").status == 200);
    CHECK(w.call("GET", "/api/v1/alarms/" + std::to_string(w.mine_alarm), "regulator4302").status == 200);
    // but not Changsha's: 404 exactly as for a point that does not exist
    const auto theirs = w.call("GET", "/api/v1/points/xj-chem/plant-1/gd-1.gas", "regulator4302");
    const auto none = w.call("GET", "/api/v1/points/xj-chem/plant-1/nope.gas", "regulator4302");
    CHECK(theirs.status == 404);
    CHECK(none.status == 404);
    CHECK(w.call("GET", "/api/v1/alarms/" + std::to_string(w.chem_alarm), "regulator4302").status == 404);
    CHECK(w.call("GET", "/api/v1/alarms/999", "regulator4302").status == 404);
    // WHEN the regulator acknowledges an alarm it sees THEN 403; one it does not see THEN 404
    const std::string ack = R"({"comment":"seen"})";
    auto r = w.call("POST", "/api/v1/alarms/" + std::to_string(w.mine_alarm) + "/ack", "regulator4302", ack);
    CHECK(r.status == 403);
    r = w.call("POST", "/api/v1/alarms/" + std::to_string(w.chem_alarm) + "/ack", "regulator4302", ack);
    CHECK(r.status == 404);
    // an officer cannot see another enterprise, nor act on it
    CHECK(w.call("GET", "/api/v1/points/xj-mine/mine-1/ch4-1.ch4", "officerxj-chem").status == 404);
    r = w.call("POST", "/api/v1/alarms/" + std::to_string(w.mine_alarm) + "/ack", "officerxj-chem", ack);
    CHECK(r.status == 404);
    // nothing was acknowledged by any of that
    CHECK(w.desk->find(w.mine_alarm)->alarm.state == AlarmState::active_unacknowledged);
    // the enterprise's own officer acknowledges, and the audit trail names the token
    r = w.call("POST", "/api/v1/alarms/" + std::to_string(w.mine_alarm) + "/ack", "officerxj-mine", ack);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto j = json::parse(r.body);
    CHECK(j["state"] == "active_acknowledged");
    CHECK(j["event"]["who"] == "officerxj-mine (officer, token 5)");
    CHECK(j["event"]["comment"] == "seen");
    // an officer may not take alarms out of service; an engineer may
    r = w.call("POST", "/api/v1/alarms/" + std::to_string(w.mine_alarm) + "/out-of-service", "officerxj-mine", "{}");
    CHECK(r.status == 403);
    r = w.call("POST", "/api/v1/alarms/" + std::to_string(w.mine_alarm) + "/out-of-service", "engineer", "{}");
    CHECK(r.status == 200);
    // tokens are the admin's
    CHECK(w.call("GET", "/api/v1/tokens", "engineer").status == 403);
    CHECK(w.call("GET", "/api/v1/tokens", "admin").status == 200);
  }

  TEST_CASE("alarm actions check their input") {
    World w;
    const std::string base = "/api/v1/alarms/" + std::to_string(w.mine_alarm);
    CHECK(w.call("POST", base + "/ack", "engineer", "{}").status == 400);  // no comment
    CHECK(w.call("POST", base + "/ack", "engineer", "not json").status == 400);
    CHECK(w.call("POST", base + "/ack", "engineer", R"({"comment": 5})").status == 400);
    CHECK(w.call("POST", base + "/frobnicate", "engineer", "{}").status == 404);
    CHECK(w.call("GET", base + "/ack", "engineer").status == 405);
    CHECK(w.call("POST", base + "/shelve", "engineer", R"({"comment":"x"})").status == 400);
    CHECK(w.call("POST", base + "/shelve", "engineer", R"({"comment":"x","duration_s":999999})").status == 400);
    auto r = w.call("POST", base + "/shelve", "engineer", R"({"comment":"maintenance","duration_s":600})");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["shelved_until"] == T0 + 10000 + 600000);
    CHECK(w.call("POST", base + "/ack", "engineer", R"({"comment":"x"})").status == 409);
    CHECK(w.call("POST", base + "/unshelve", "engineer", "").status == 200);
    CHECK(w.call("POST", "/api/v1/alarms/abc/ack", "engineer", "{}").status == 404);
  }

  TEST_CASE("readings come in pages with a cursor") {
    World w;
    const std::string base = "/api/v1/points/xj-mine/mine-1/ch4-1.temperature/readings";
    auto page = w.get(base + "?limit=2", "engineer");
    REQUIRE(page["readings"].size() == 2);
    CHECK(page["readings"][0]["ts"] == T0 + 2000);
    std::vector<double> values;
    while (true) {
      for (const auto& r : page["readings"]) values.push_back(r["value"].get<double>());
      if (page["next"].is_null()) break;
      page = w.get(base + "?limit=2&after=" + page["next"].get<std::string>(), "engineer");
    }
    CHECK(values == std::vector<double>{22, 23, 24, 25, 26});
    page = w.get(base + "?from=" + std::to_string(T0 + 3000) + "&to=" + std::to_string(T0 + 4000), "engineer");
    CHECK(page["readings"].size() == 2);
    CHECK(w.call("GET", base + "?limit=0", "engineer").status == 400);
    CHECK(w.call("GET", base + "?from=x", "engineer").status == 400);
    CHECK(w.call("GET", base + "?after=12", "engineer").status == 400);
    CHECK(w.call("GET", base, "officerxj-chem").status == 404);
  }

  TEST_CASE("alarms list - history with events - metrics") {
    World w;
    auto list = w.get("/api/v1/alarms", "regulator4301")["alarms"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["id"] == w.chem_alarm);
    list = w.get("/api/v1/alarms?history=1&from=" + std::to_string(T0 - 1), "engineer")["alarms"];
    CHECK(list.size() == 2);
    CHECK(list[0]["events"][0]["action"] == "raised");
    CHECK(list[0]["kind"] == "threshold");
    // /metrics names every enterprise: a regulator's token (and an officer's) is refused
    const auto refused = w.call("GET", "/metrics", "regulator4301");
    CHECK(refused.status == 403);
    CHECK(refused.body.find("GET /api/v1/health") != std::string::npos);
    const auto m = w.call("GET", "/metrics", "engineer");
    REQUIRE(m.status == 200);
    CHECK(m.content_type.starts_with("text/plain"));
    CHECK(m.body.find("lookout_ingest_batches_total{outcome=\"accepted\"} 7\n") != std::string::npos);
    CHECK(m.body.find("lookout_alarms{state=\"active_unacknowledged\",level=\"orange\"} 2\n") != std::string::npos);
    CHECK(m.body.find("lookout_http_responses_total{code=\"200\"}") != std::string::npos);
  }

  TEST_CASE("query strings are percent-decoded") {
    const auto q = parse_query("a=1&b=x%20y+z&c&%41=%zz");
    CHECK(q.at("a") == "1");
    CHECK(q.at("b") == "x y z");
    CHECK(q.at("c").empty());
    CHECK(q.at("A") == "%zz");
  }

  TEST_CASE("a latch reset by alarm id - refused to regulators and out of scope - audited") {
    World w;
    const std::string mine = "lookout/v1/xj-mine/mine-1/gw-1/up/readings";
    // GIVEN the mine's methane at the power-cut line and then down: latched at red
    w.ingest->handle(mine, batch("gw-1", 10, "ch4-1.ch4", "methane", "%CH4", 1.6, T0 + 7000), T0 + 7000);
    w.ingest->handle(mine, batch("gw-1", 11, "ch4-1.ch4", "methane", "%CH4", 0.4, T0 + 8000), T0 + 8000);
    const std::string reset = "/api/v1/alarms/" + std::to_string(w.mine_alarm) + "/reset";
    CHECK(w.call("POST", reset, "regulator4302", "{}").status == 403);
    CHECK(w.call("POST", reset, "officerxj-chem", "{}").status == 404);
    CHECK(w.call("POST", "/api/v1/alarms/" + std::to_string(w.chem_alarm) + "/reset", "engineer", "{}").status ==
          409);
    const auto r = w.call("POST", reset, "officerxj-mine", R"({"comment": "face checked"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto j = json::parse(r.body);
    CHECK(j["kind"] == "threshold");
    CHECK(j["level"] == "normal");
    CHECK(j["event"]["action"] == "latch_reset");
    CHECK(j["event"]["comment"] == "face checked");
    // AND a second reset has nothing to reset
    CHECK(w.call("POST", reset, "engineer", "{}").status == 409);
  }
}
