// Hostile messages at the real aggregator over a real Mosquitto (issue #11 point 10): its
// log cannot be forged or flooded through a message's fields, and it goes on storing.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

constexpr const char* TOPIC = "lookout/v1/xj-mine/mine-1/gw-9/up/readings";
const std::string FORGED = "2026-11-25T22:21:02.513Z ERROR alarms: forged";

json reading(std::uint64_t seq) {
  return {{"point", "ch4-9.ch4"}, {"quantity", "methane"},
          {"value", 0.2},         {"unit", "%CH4"},
          {"ts", 1764100000000 + static_cast<std::int64_t>(seq) * 1000}, {"quality", "good"}};
}

json batch(std::uint64_t seq) {
  return {{"v", 1}, {"gateway", "gw-9"}, {"seq", seq}, {"boot", 1}, {"readings", {reading(seq)}}};
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("integration.hostile") {
  TEST_CASE("hostile fields cannot forge or flood the aggregator's log and good batches are still stored") {
    Deployment d;
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    // GIVEN messages whose fields hold a newline and a forged line, a NUL, an ESC, 1 MB
    std::vector<std::string> hostile;
    {
      auto m = batch(1);
      m["readings"][0]["quality"] = "bad";
      m["readings"][0]["value"] = nullptr;
      m["readings"][0]["status"] = "offline\n" + FORGED + " status";
      hostile.push_back(m.dump());
    }
    {
      auto m = batch(2);
      m["gateway"] = "gw-9\n" + FORGED + " gateway";
      hostile.push_back(m.dump());
    }
    {
      auto m = batch(3);
      m["readings"][0]["point"] = std::string("ch4-9.ch4\0", 10) + "\r" + FORGED + " point";
      hostile.push_back(m.dump());
    }
    {
      auto m = batch(4);
      m["readings"][0]["quality"] = "bad";
      m["readings"][0]["value"] = nullptr;
      m["readings"][0]["status"] = std::string(1048576, 'S');
      hostile.push_back(m.dump());
    }
    {
      auto m = batch(5);
      m["readings"][0]["unit"] = "\x1b[2J\x1b[H" + FORGED;
      hostile.push_back(m.dump());
    }
    // AND a valid batch with a 200000-deep array in a key it does not know
    std::string deep = batch(6).dump();
    deep.insert(1, "\"junk\":" + std::string(200000, '[') + std::string(200000, ']') + ",");
    hostile.push_back(deep);
    // WHEN they are published, then a good batch with unknown keys of modest size
    for (const auto& m : hostile) probe.publish(TOPIC, m);
    auto good = batch(7);
    good["from_a_later_version"] = {{"note", "ignored"}, {"list", {1, 2, 3}}};
    good["readings"][0]["extra"] = true;
    probe.publish(TOPIC, good.dump());

    // THEN the good batch is stored, and the deep one is not
    REQUIRE(eventually([&] { return d.query("SELECT COUNT(*) FROM batches WHERE gateway = 'gw-9' AND seq = 7") == 1; },
                       HUNG_RUN));
    CHECK(d.query("SELECT COUNT(*) FROM batches WHERE gateway = 'gw-9'") == 1);
    CHECK(d.query("SELECT COUNT(*) FROM readings WHERE gateway = 'gw-9'") == 1);
    // AND each hostile message was rejected in exactly one line
    const std::string rejected = "WARN  ingest: rejected message on " + std::string(TOPIC) + ": ";
    CHECK(eventually([&] { return count(d.aggregator->stderr_text(), rejected) >= hostile.size(); }, HUNG_RUN));
    CHECK(count(d.aggregator->stderr_text(), rejected) == hostile.size());
    const std::string log = d.aggregator->stderr_text();
    CHECK(log.find("message: nested deeper than 8 levels of objects and arrays (the limit)") != std::string::npos);
    CHECK(log.find("readings[0].status: unknown device status \"" + std::string(64, 'S') + "\"...(1048576 bytes)") !=
          std::string::npos);
    CHECK(log.find("readings[0].status: unknown device status \"offline\\n" + FORGED + " status\"") != std::string::npos);
    // AND every line of the log is one of the aggregator's own: a time, a severity, a component
    const std::regex own(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) [a-z]+: .*)");
    std::istringstream lines(log);
    std::size_t n = 0;
    for (std::string line; std::getline(lines, line); ++n) {
      CAPTURE(line.substr(0, 200));
      CHECK(line.size() < 2200);  // bounded: a 1 MB field does not come through whole
      if (line.size() < 2200) CHECK(std::regex_match(line, own));  // (std::regex recurses per character)
      CHECK(line.find('\0') == std::string::npos);
      CHECK(line.find('\x1b') == std::string::npos);
      CHECK(line.find('\r') == std::string::npos);
      // a forged text only ever inside a rejection, never where a line begins
      if (line.find(FORGED) != std::string::npos) CHECK(line.find(rejected) != std::string::npos);
    }
    CHECK(n > hostile.size());
    // AND the aggregator runs on, storing what its own gateway sends
    CHECK(d.aggregator->running());
    const auto before = d.query("SELECT COUNT(*) FROM batches WHERE gateway = 'gw-1'");
    CHECK(eventually([&] { return d.query("SELECT COUNT(*) FROM batches WHERE gateway = 'gw-1'") > before; }, HUNG_RUN));
  }

  TEST_CASE("a status's unknown keys are kept as sent and shown by the gateways call") {
    Deployment d;
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    // GIVEN a status from a later version, with a key this one does not know
    json status{{"v", 1},         {"gateway", "gw-9"}, {"online", true}, {"firmware", "9.0"}, {"boot", 1},
                {"uptime_s", 5},  {"ts", 1764100000000}, {"site_hash", ""}, {"later", {{"x", 1}}}};
    probe.publish("lookout/v1/xj-mine/mine-1/gw-9/up/status", status.dump(), true);
    // THEN GET /api/v1/gateways shows the status whole, the unknown key too
    json shown;
    CHECK(eventually(
        [&] {
          const auto r = http_request(d.http_port, "GET", "/api/v1/gateways", "", d.token);
          if (r.status != 200) return false;
          const json body = json::parse(r.body);
          for (const auto& g : body["gateways"]) {
            if (g["gateway"] == "gw-9" && g["status"].is_object()) shown = g["status"];
          }
          return shown.is_object();
        },
        HUNG_RUN));
    CHECK(shown["later"]["x"] == 1);
    CHECK(shown["firmware"] == "9.0");
  }
}
