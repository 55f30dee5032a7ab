// The first end-to-end path: a gas reading becomes an alarm (issue #2).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "firmware/wire/messages.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

const std::string ALARM_TOPIC = "lookout/v1/xj-mine/mine-1/alarms/ch4-1.ch4";
const std::string READINGS_TOPIC = "lookout/v1/xj-mine/mine-1/gw-1/up/readings";

bool is_alarm(const ProbeMessage& m, lookout::wire::Level level) {
  if (m.topic != ALARM_TOPIC) return false;
  const auto d = lookout::wire::decode_alarm(m.payload);
  return std::holds_alternative<lookout::wire::AlarmMessage>(d) &&
         std::get<lookout::wire::AlarmMessage>(d).level == level;
}

}  // namespace

TEST_SUITE("integration") {
  TEST_CASE("methane at 1.20 % raises the alarm - 0.40 % returns it to normal") {
    Deployment d;
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    // GIVEN the gateway reports 0.40 %CH4
    d.sim_set("ch4-1", "ch4", "0.40");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const json& p) { return p["value"] == 0.4; }));

    // WHEN methane rises to 1.20 %
    d.sim_set("ch4-1", "ch4", "1.20");
    // THEN an orange alarm is published, retained, with the value
    const auto raised = probe.wait_for([](const ProbeMessage& m) { return is_alarm(m, lookout::wire::Level::orange); },
                                       HUNG_RUN);
    REQUIRE_MESSAGE(raised, d.aggregator->stderr_text());
    const auto a = std::get<lookout::wire::AlarmMessage>(lookout::wire::decode_alarm(raised->payload));
    CHECK(*a.value == doctest::Approx(1.20));
    CHECK(a.state == "active_unacknowledged");
    CHECK(a.rule == "methane.working_face");
    CHECK(a.unit == "%CH4");
    // AND the status API shows value, unit, quality and level
    REQUIRE(d.wait_status("ch4-1.ch4", [](const json& p) { return p["level"] == "orange"; }));
    const auto p = d.status_of("ch4-1.ch4");
    CHECK(p["value"] == 1.2);
    CHECK(p["unit"] == "%CH4");
    CHECK(p["quality"] == "good");
    CHECK(p["quantity"] == "methane");
    CHECK(p["ts"].get<std::int64_t>() > 1764000000000);
    // AND the aggregator prints the alarm as it is raised
    CHECK(d.aggregator->wait_for_line("ALARM", HUNG_RUN));

    // WHEN it falls back to 0.40 %
    d.sim_set("ch4-1", "ch4", "0.40");
    // THEN the alarm returns to normal
    const auto normal = probe.wait_for([](const ProbeMessage& m) { return is_alarm(m, lookout::wire::Level::normal); },
                                       HUNG_RUN);
    REQUIRE(normal);
    CHECK(d.wait_status("ch4-1.ch4", [](const json& x) { return x["level"] == "normal" && x["value"] == 0.4; }));

    // AND a client arriving later sees the retained current state
    MqttProbe late(d.broker->uri(), ALARM_TOPIC);
    const auto retained = late.wait_for([](const ProbeMessage& m) { return m.retained; }, HUNG_RUN);
    REQUIRE(retained);
    CHECK(is_alarm(*retained, lookout::wire::Level::normal));
  }

  TEST_CASE("quality travels end to end: warm-up - calibration and over range") {
    Deployment d;
    // WHEN the gas detector is in calibration with test gas over the H2S lines
    d.sim_set("gd-1", "concentration", "50");
    d.sim_set("gd-1", "mode", "calibration");
    // THEN it is stored as bad quality with status calibration, no value, no level
    REQUIRE(d.wait_status("gd-1.gas", [](const json& p) { return p.value("status", "") == "calibration"; }));
    auto p = d.status_of("gd-1.gas");
    CHECK(p["quality"] == "bad");
    CHECK(p["value"].is_null());
    CHECK(p["level"] == "normal");

    // WHEN it warms up
    d.sim_set("gd-1", "mode", "warming_up");
    REQUIRE(d.wait_status("gd-1.gas", [](const json& x) { return x.value("status", "") == "warming_up"; }));
    CHECK(d.status_of("gd-1.gas")["value"].is_null());

    // WHEN H2S is back in normal mode at 8 ppm THEN GB/T 50493 level 1 (orange)
    d.sim_set("gd-1", "mode", "normal");
    d.sim_set("gd-1", "concentration", "8");
    REQUIRE(d.wait_status("gd-1.gas", [](const json& x) { return x["level"] == "orange"; }));
    CHECK(d.status_of("gd-1.gas")["quantity"] == "h2s");

    // WHEN methane goes over range THEN at least full scale: 4.00 %CH4, uncertain, red
    d.sim_set("ch4-1", "status", "over_range");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const json& x) { return x.value("status", "") == "over_range"; }));
    p = d.status_of("ch4-1.ch4");
    CHECK(p["value"] == 4.0);
    CHECK(p["quality"] == "uncertain");
    CHECK(p["level"] == "red");
  }

  TEST_CASE("a malformed message is rejected with topic and reason: the aggregator keeps running") {
    Deployment d;
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    probe.publish(READINGS_TOPIC, "{\"v\":1,\"gateway\":");
    probe.publish(READINGS_TOPIC, R"({"v":1,"gateway":"gw-1","seq":1,"boot":1,"readings":[{"point":"x"}]})");
    const auto logged = [&](const std::string& reason) {
      return eventually(
          [&] {
            return d.aggregator->stderr_text().find("rejected message on " + READINGS_TOPIC + ": " + reason) !=
                   std::string::npos;
          },
          HUNG_RUN);
    };
    CHECK(logged("message: not valid JSON"));
    CHECK(logged("readings[0].point: \"x\" is not of the form device.channel"));
    // still running and still ingesting
    CHECK(d.aggregator->running());
    d.sim_set("ch4-1", "ch4", "0.33");
    CHECK(d.wait_status("ch4-1.ch4", [](const json& p) { return p["value"] == 0.33; }));
    // hostile HTTP requests get JSON errors, not a crash
    CHECK(http_request(d.http_port, "GET", "/nope").status == 404);
    CHECK(http_request(d.http_port, "POST", "/api/v1/status", "", d.token).status == 405);
    const auto raw = http_raw(d.http_port, "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                               std::string(20000, 'a') + "\r\n\r\n");
    CHECK(raw.find("413") != std::string::npos);
    CHECK(http_raw(d.http_port, "garbage\r\n\r\n").find("400") != std::string::npos);
    CHECK(http_request(d.http_port, "GET", "/healthz").status == 200);
  }
}
