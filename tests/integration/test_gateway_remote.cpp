// down/command and down/config (issue #3).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

const std::string DOWN = "lookout/v1/xj-mine/mine-1/gw-1/down/";
const std::string EVENTS = "lookout/v1/xj-mine/mine-1/gw-1/up/events";

std::optional<json> answer(MqttProbe& probe, const std::string& id) {
  const auto m = probe.wait_for(
      [&](const ProbeMessage& msg) { return msg.topic == EVENTS && json::parse(msg.payload)["id"] == id; },
      HUNG_RUN);
  if (!m) return std::nullopt;
  return json::parse(m->payload);
}

}  // namespace

TEST_SUITE("integration.remote") {
  TEST_CASE("poll_now answers at once and unknown devices are refused") {
    Deployment d({.poll_ms = 60000, .publish_interval_ms = 100});  // a slow poll: only poll_now reads again
    MqttProbe probe(d.broker->uri(), EVENTS);
    d.sim_set("ch4-1", "ch4", "0.55");
    probe.publish(DOWN + "command", R"({"v":1,"id":"p1","command":"poll_now","device":"ch4-1"})");
    const auto a = answer(probe, "p1");
    REQUIRE(a);
    CHECK((*a)["ok"] == true);
    CHECK(d.wait_status("ch4-1.ch4", [](const json& p) { return p["value"] == 0.55; }));
    probe.publish(DOWN + "command", R"({"v":1,"id":"p2","command":"poll_now","device":"nope-1"})");
    const auto b = answer(probe, "p2");
    REQUIRE(b);
    CHECK((*b)["ok"] == false);
    CHECK((*b)["errors"][0] == "device: no device \"nope-1\" on this gateway");
  }

  TEST_CASE("a new site file is applied as a whole or not at all") {
    Deployment d;
    MqttProbe probe(d.broker->uri(), EVENTS);
    std::ifstream in(d.dir / "site.toml");
    std::stringstream text;
    text << in.rdbuf();
    const std::string original = text.str();

    // WHEN a site file with two mistakes arrives THEN both are named and nothing changes
    std::string broken = original;
    broken.replace(broken.find("model = \"XJ-CH4\""), 16, "model = \"XJ-CH5\"");
    broken += "[[bus.device]]\nname = \"gd-2\"\nmodel = \"XJ-GD100\"\nunit = 2\n";
    probe.publish(DOWN + "config", json{{"v", 1}, {"id", "c1"}, {"site", broken}}.dump());
    const auto refused = answer(probe, "c1");
    REQUIRE(refused);
    CHECK((*refused)["ok"] == false);
    CHECK((*refused)["errors"].size() == 2);
    CHECK((*refused)["errors"][0].get<std::string>().find("unknown model \"XJ-CH5\"") != std::string::npos);
    std::ifstream again(d.dir / "site.toml");
    std::stringstream now;
    now << again.rdbuf();
    CHECK(now.str() == original);
    CHECK(d.gateway->running());

    // WHEN a good one arrives (a third device) THEN it is written and the gateway starts again with it
    std::string good = original + "[[bus.device]]\nname = \"ch4-9\"\nmodel = \"XJ-CH4\"\nunit = 9\n";
    probe.publish(DOWN + "config", json{{"v", 1}, {"id", "c2"}, {"site", good}}.dump());
    const auto accepted = answer(probe, "c2");
    REQUIRE(accepted);
    CHECK((*accepted)["ok"] == true);
    // the new device has no simulator behind it: it appears, offline, in live status
    CHECK(d.wait_status("ch4-9.ch4", [](const json& p) { return p.value("status", "") == "offline"; }));
    CHECK(d.gateway->running());
  }
}
