// The HTTP API against a whole deployment: alarms handled by people with their audit
// trail, state across a restart, scopes, and the event stream (issue #4).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

const std::string CH4 = "ch4-1.ch4";

/// The open alarm of a point, or null.
json open_alarm(Deployment& d, const std::string& point) {
  const auto r = http_request(d.http_port, "GET", "/api/v1/alarms", "", d.token);
  if (r.status != 200) return nullptr;
  const auto all = json::parse(r.body);  // kept: a temporary would die before the loop body
  for (const auto& a : all["alarms"]) {
    if (a["point"] == point) return a;
  }
  return nullptr;
}

bool wait_alarm(Deployment& d, const std::function<bool(const json&)>& pred) {
  const bool ok = eventually(
      [&] {
        const auto a = open_alarm(d, CH4);
        return !a.is_null() && pred(a);
      },
      HUNG_RUN);
  if (!ok) {
    MESSAGE("alarms: " << http_request(d.http_port, "GET", "/api/v1/alarms", "", d.token).body
                       << "\naggregator log:\n" << d.aggregator->stderr_text());
  }
  return ok;
}

json alarm_by_id(Deployment& d, std::int64_t id, const std::string& token) {
  const auto r = http_request(d.http_port, "GET", "/api/v1/alarms/" + std::to_string(id), "", token);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return json::parse(r.body);
}

std::vector<std::string> kinds(const json& alarm) {
  std::vector<std::string> out;
  for (const auto& e : alarm["events"]) out.push_back(e["action"]);
  return out;
}

HttpResult post(Deployment& d, std::int64_t id, const std::string& action, const json& body,
                const std::string& token) {
  return http_request(d.http_port, "POST", "/api/v1/alarms/" + std::to_string(id) + "/" + action, body.dump(), token);
}

}  // namespace

TEST_SUITE("integration.http_api") {
  TEST_CASE("an alarm raised - acknowledged - escalated - returned and cleared with its audit trail") {
    Deployment d;
    const auto officer = d.create_token("officer", "li.wei", {"--enterprise", Deployment::ENTERPRISE});
    const auto elsewhere = d.create_token("regulator", "changsha", {"--division", "4301"});
    EventStreamClient stream(d.http_port, "/api/v1/events", officer);
    EventStreamClient blind(d.http_port, "/api/v1/events", elsewhere);
    REQUIRE(stream.wait_for(": lookout event stream", HUNG_RUN));
    REQUIRE(blind.wait_for(": lookout event stream", HUNG_RUN));

    // GIVEN methane rises to 1.20 % THEN an orange alarm, active unacknowledged, with an id
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE(wait_alarm(d, [](const json& a) { return a["level"] == "orange"; }));
    const auto id = open_alarm(d, CH4)["id"].get<std::int64_t>();
    CHECK(open_alarm(d, CH4)["state"] == "active_unacknowledged");
    // AND the stream carries the level change and the alarm
    CHECK(stream.wait_for("event: level", HUNG_RUN));
    CHECK(stream.wait_for("\"id\":" + std::to_string(id), HUNG_RUN));

    // WHEN the officer acknowledges with a comment THEN active acknowledged
    auto r = post(d, id, "ack", {{"comment", "ventilation raised at face 3"}}, officer);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "active_acknowledged");
    // AND the stream delivers that transition with who and why
    CHECK(stream.wait_for("\"action\":\"acknowledged\"", HUNG_RUN));
    CHECK(stream.text().find("ventilation raised at face 3") != std::string::npos);

    // WHEN it escalates to 1.65 % (power-cut line) THEN red, unacknowledged again, same id
    d.sim_set("ch4-1", "ch4", "1.65");
    REQUIRE(wait_alarm(d, [](const json& a) { return a["level"] == "red"; }));
    CHECK(open_alarm(d, CH4)["id"] == id);
    CHECK(open_alarm(d, CH4)["state"] == "active_unacknowledged");
    // WHEN it falls to 0.40 % THEN the power cut holds (latched) until a person resets it;
    // reset, unacknowledged THEN returned unacknowledged, still open
    d.sim_set("ch4-1", "ch4", "0.40");
    REQUIRE(d.wait_status(CH4, [](const json& p) { return p["value"].is_number() && p["value"].get<double>() < 0.5; }));
    CHECK(open_alarm(d, CH4)["level"] == "red");
    r = post(d, id, "reset", {{"comment", "face ventilated"}}, officer);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "returned_unacknowledged");
    REQUIRE(wait_alarm(d, [](const json& a) { return a["state"] == "returned_unacknowledged"; }));
    // WHEN acknowledged THEN it clears: no open alarm for the point
    r = post(d, id, "ack", {{"comment", "back below 1.0 %, cause found"}}, officer);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "normal");
    CHECK(open_alarm(d, CH4).is_null());

    // THEN its audit trail, read over the API, tells the whole story
    const auto a = alarm_by_id(d, id, officer);
    CHECK(kinds(a) == std::vector<std::string>{"raised", "acknowledged", "escalated", "latch_reset", "acknowledged"});
    CHECK(a["events"][1]["who"].get<std::string>().starts_with("li.wei (officer"));
    CHECK(a["events"][1]["comment"] == "ventilation raised at face 3");
    CHECK(a["events"][2]["from_level"] == "orange");
    CHECK(a["events"][2]["to_level"] == "red");
    CHECK(a["events"][3]["to_state"] == "returned_unacknowledged");
    CHECK(a["events"][3]["comment"] == "face ventilated");
    CHECK(a["events"][4]["to_state"] == "normal");
    CHECK(a["events"][4]["comment"] == "back below 1.0 %, cause found");
    // AND the history lists it
    r = http_request(d.http_port, "GET", "/api/v1/alarms?history=1", "", officer);
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body)["alarms"][0]["id"] == id);
    // AND a regulator of another city heard none of it
    CHECK(blind.text().find("event: alarm") == std::string::npos);
    CHECK(blind.text().find("event: level") == std::string::npos);
  }

  TEST_CASE("alarm state and audit survive an aggregator restart") {
    Deployment d;
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE(wait_alarm(d, [](const json& a) { return a["level"] == "orange"; }));
    const auto id = open_alarm(d, CH4)["id"].get<std::int64_t>();
    auto r = post(d, id, "shelve", {{"comment", "detector being replaced"}, {"duration_s", 3600}}, d.token);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto until = json::parse(r.body)["shelved_until"].get<std::int64_t>();

    // WHEN the aggregator restarts
    REQUIRE(d.aggregator->stop() == 0);
    d.start_aggregator();
    // THEN the alarm is still shelved until the same time, with its trail
    auto a = alarm_by_id(d, id, d.token);
    CHECK(a["state"] == "shelved");
    CHECK(a["shelved_until"] == until);
    CHECK(kinds(a) == std::vector<std::string>{"raised", "shelved"});
    // AND the next change continues the same alarm
    d.sim_set("ch4-1", "ch4", "1.65");
    REQUIRE(wait_alarm(d, [](const json& x) { return x["level"] == "red"; }));
    CHECK(open_alarm(d, CH4)["id"] == id);
    CHECK(open_alarm(d, CH4)["state"] == "shelved");
    r = post(d, id, "unshelve", json::object(), d.token);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(json::parse(r.body)["state"] == "active_unacknowledged");
    CHECK(kinds(alarm_by_id(d, id, d.token)) == std::vector<std::string>{"raised", "shelved", "escalated", "unshelved"});
  }

  TEST_CASE("shelving runs out by itself: the alarm annunciates again") {
    Deployment d;
    EventStreamClient stream(d.http_port, "/api/v1/events", d.token);
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE(wait_alarm(d, [](const json& a) { return a["level"] == "orange"; }));
    const auto id = open_alarm(d, CH4)["id"].get<std::int64_t>();
    // WHEN shelved for 1 s
    auto r = post(d, id, "shelve", {{"comment", "short test"}, {"duration_s", 1}}, d.token);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    // THEN within a few seconds it is active unacknowledged again, by the system
    CHECK(wait_alarm(d, [](const json& a) { return a["state"] == "active_unacknowledged"; }));
    CHECK(stream.wait_for("\"action\":\"shelve_expired\"", HUNG_RUN));
    const auto a = alarm_by_id(d, id, d.token);
    CHECK(kinds(a) == std::vector<std::string>{"raised", "shelved", "shelve_expired"});
    CHECK(a["events"][2]["who"] == "system");
  }

  TEST_CASE("scopes over the wire: regulators by division - officers by enterprise - no token") {
    Deployment d;
    const auto zhuzhou = d.create_token("regulator", "zhuzhou", {"--division", "4302"});
    const auto changsha = d.create_token("regulator", "changsha", {"--division", "4301"});
    const auto other_officer = d.create_token("officer", "other", {"--enterprise", "xj-chem"});
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE(wait_alarm(d, [](const json& a) { return a["level"] == "orange"; }));
    const auto id = open_alarm(d, CH4)["id"].get<std::int64_t>();
    const std::string point = "/api/v1/points/xj-mine/mine-1/ch4-1.ch4";

    // no token: 401 everywhere but /healthz
    for (const auto* target : {"/api/v1/status", "/api/v1/alarms", "/api/v1/gateways", "/metrics"}) {
      CHECK_MESSAGE(http_request(d.http_port, "GET", target).status == 401, target);
    }
    CHECK(http_request(d.http_port, "GET", "/healthz").status == 200);
    // the Zhuzhou regulator reads the mine (division 430211) but may not acknowledge
    CHECK(http_request(d.http_port, "GET", point, "", zhuzhou).status == 200);
    auto gw = json::parse(http_request(d.http_port, "GET", "/api/v1/gateways", "", zhuzhou).body)["gateways"];
    REQUIRE(gw.size() == 1);
    CHECK(gw[0]["gateway"] == "gw-1");
    CHECK(gw[0]["last_seen"].get<std::int64_t>() > 1764000000000);
    CHECK(post(d, id, "ack", {{"comment", "x"}}, zhuzhou).status == 403);
    // the Changsha regulator and another enterprise's officer do not see it at all
    for (const auto& t : {changsha, other_officer}) {
      CHECK(http_request(d.http_port, "GET", point, "", t).status == 404);
      CHECK(http_request(d.http_port, "GET", "/api/v1/alarms/" + std::to_string(id), "", t).status == 404);
      CHECK(post(d, id, "ack", {{"comment", "x"}}, t).status == 404);
      CHECK(json::parse(http_request(d.http_port, "GET", "/api/v1/status", "", t).body)["points"].empty());
      CHECK(json::parse(http_request(d.http_port, "GET", "/api/v1/gateways", "", t).body)["gateways"].empty());
    }
    // still unacknowledged after all that
    CHECK(open_alarm(d, CH4)["state"] == "active_unacknowledged");
  }

  TEST_CASE("request rate per client is limited with 429 - the server keeps serving") {
    // GIVEN a burst of 30 and a rate so low (1 per 1000 s) that no request is refilled while
    // the test runs, however fast or slow the machine: the count below is exact. The refill
    // over time is the rate limiter's unit test, with its clock injected.
    DeploymentOptions o;
    o.http_toml = "rate = 0.001\nburst = 30";
    Deployment d(o);
    // WHEN a client (127.0.0.2, an address the fixture never uses) sends as fast as it can
    // THEN exactly the burst is served and the next is 429
    int served = 0;
    int status = 0;
    while (served < 100 && (status = http_request(d.http_port, "GET", "/healthz", "", "", "127.0.0.2").status) != 429) {
      ++served;
    }
    CHECK(served == 30);
    CHECK(status == 429);
    // AND it stays refused while other clients are served: the limit is per address
    CHECK(http_request(d.http_port, "GET", "/healthz", "", "", "127.0.0.2").status == 429);
    CHECK(http_request(d.http_port, "GET", "/healthz", "", "", "127.0.0.3").status != 429);
    const auto m = http_request(d.http_port, "GET", "/metrics", "", d.token, "127.0.0.4");
    CHECK(m.body.find("lookout_http_responses_total{code=\"429\"} 2") != std::string::npos);
    // AND the database's figures: it takes writes, none refused
    CHECK(m.body.find("\nlookout_store_ok 1\n") != std::string::npos);
    CHECK(m.body.find("\nlookout_store_failures_total 0\n") != std::string::npos);
  }

  TEST_CASE("healthz says what is wrong: 503 naming the broker while it is away - 200 when it is back") {
    Deployment d;
    // GIVEN a deployment that works THEN healthz is 200 ok
    const auto up = http_request(d.http_port, "GET", "/healthz");
    CHECK(up.status == 200);
    CHECK(json::parse(up.body)["status"] == "ok");
    // WHEN the broker goes away THEN 503 with the reason naming it
    d.broker->stop();
    HttpResult down;
    REQUIRE(eventually(
        [&] {
          down = http_request(d.http_port, "GET", "/healthz");
          return down.status == 503;
        },
        HUNG_RUN));
    const auto j = json::parse(down.body);
    CHECK(j["status"] == "unavailable");
    REQUIRE(j["problems"].is_array());
    CHECK(j["problems"][0].get<std::string>().find("broker: not connected to " + d.broker->uri()) == 0);
    // WHEN it is back THEN 200 again (the aggregator reconnects with a backoff of at most 15 s)
    d.broker->start();
    CHECK(eventually([&] { return http_request(d.http_port, "GET", "/healthz").status == 200; },
                     HUNG_RUN));
  }

  TEST_CASE("hostile requests get JSON errors and the server goes on") {
    Deployment d;
    // a body over 64 KiB
    auto raw = http_raw(d.http_port, "POST /api/v1/alarms/1/ack HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n" +
                                         std::string(70000, 'a'));
    CHECK(raw.find("413") != std::string::npos);
    CHECK(raw.find("{\"error\"") != std::string::npos);
    // a token that is not one, with odd bytes: control characters are a malformed header
    CHECK(http_raw(d.http_port, "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \x01\r\n\r\n")
              .find("400") != std::string::npos);
    CHECK(http_raw(d.http_port, "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n")
              .find("401") != std::string::npos);
    CHECK(http_raw(d.http_port, "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n\r\n")
              .find("401") != std::string::npos);
    // paths and queries that are not what they should be
    CHECK(http_request(d.http_port, "GET", "/api/v1/points/..%2f..%2fetc/x/y", "", d.token).status == 404);
    CHECK(http_request(d.http_port, "GET", "/api/v1/status?level=%ff%00", "", d.token).status == 400);
    // event-stream clients that come and go at once
    for (int i = 0; i < 20; ++i) EventStreamClient gone(d.http_port, "/api/v1/events", d.token);
    // THEN it still answers and still ingests
    CHECK(d.aggregator->running());
    d.sim_set("ch4-1", "ch4", "0.31");
    CHECK(d.wait_status("ch4-1.ch4", [](const json& p) { return p["value"] == 0.31; }));
  }
}
