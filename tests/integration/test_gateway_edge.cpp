// Edge safety on a real gateway: a methane power-cut interlock on an XJ-AR4 over a Modbus RTU
// line (socat pty pair) with the broker down, latching and resetting only when both
// conditions hold; the heartbeat kept alive; an XJ-GN1 sped up during a warning (issue #3).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/broker.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/mqtt_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/pty_pair.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

const std::string EVENTS = "lookout/v1/xj-mine/mine-1/gw-1/up/events";
const std::string DOWN = "lookout/v1/xj-mine/mine-1/gw-1/down/command";

/// The simulator's view of a device: `get NAME`.
json sim_state(int control, const std::string& device) { return json::parse(send_line(control, "get " + device))["state"]; }

bool coil(int control, const std::string& name) { return sim_state(control, "ar4-1")[name].get<bool>(); }

/// Sends a command until its answer comes: a gateway that just started may not have
/// subscribed yet, and commands are not kept for it (clean session). Sent again after each
/// second without an answer (an answer to any of the sends will do), until HUNG_RUN.
std::optional<json> command(MqttProbe& probe, const std::string& payload) {
  const auto id = json::parse(payload)["id"];
  const auto deadline = std::chrono::steady_clock::now() + HUNG_RUN;
  while (std::chrono::steady_clock::now() < deadline) {
    probe.publish(DOWN, payload);
    const auto m = probe.wait_for([&](const ProbeMessage& msg) { return json::parse(msg.payload).value("id", json()) == id; },
                                  std::chrono::seconds(1));
    if (m) return json::parse(m->payload);
  }
  return std::nullopt;
}

/// How many times `needle` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

/// The edge events seen, as "name:action".
std::vector<std::string> edge_actions(MqttProbe& probe) {
  std::vector<std::string> out;
  for (const auto& m : probe.messages()) {
    const auto j = json::parse(m.payload);
    if (j.contains("action")) out.push_back(j["name"].get<std::string>() + ":" + j["action"].get<std::string>());
  }
  return out;
}

struct EdgeRig {
  TempDir dir;
  std::unique_ptr<Broker> broker;
  std::unique_ptr<PtyPair> rtu_line;
  std::unique_ptr<Process> sim;
  std::unique_ptr<Process> gateway;
  int control = 0;

  EdgeRig() {
    broker = std::make_unique<Broker>(dir);
    rtu_line = std::make_unique<PtyPair>(dir);
    const auto gw_end = rtu_line->master();
    const auto sim_end = rtu_line->sim();
    sim = std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--rtu",
                                 sim_end.string(), "--warmup-s", "0", "--device", "ch4-1=XJ-CH4@1", "--device",
                                 "ar4-1=XJ-AR4@2", "--device", "gn-1=XJ-GN1@5"},
        dir / "sim.log");
    const auto control_line = sim->wait_for_line("control listening on", HUNG_RUN);
    REQUIRE_MESSAGE(control_line, sim->stderr_text());
    const auto tcp_line = sim->wait_for_line("modbus-tcp listening on", HUNG_RUN);
    REQUIRE_MESSAGE(tcp_line, sim->stderr_text());
    control = port_in(*control_line);
    // Working face (standards.md): alarm 1.0, power cut 1.5, restore below 1.0.
    write_file(dir / "site.toml",
               "[gateway]\nid = \"gw-1\"\nenterprise = \"xj-mine\"\nsite = \"mine-1\"\ndata_dir = \"gw\"\n"
               "publish_interval_ms = 100\nstatus_interval_s = 1\n[mqtt]\nuri = \"" +
                   broker->uri() + "\"\n"
                   "[[bus]]\nname = \"rs485-1\"\ntype = \"rtu\"\nport = \"" + gw_end.string() +
                   "\"\nbaud = 9600\ntimeout_ms = 300\n"
                   "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\npoll_ms = 250\n"
                   "[[bus.device]]\nname = \"ar4-1\"\nmodel = \"XJ-AR4\"\nunit = 2\npoll_ms = 250\nheartbeat_s = 3\n"
                   "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:" +
                   std::to_string(port_in(*tcp_line)) +
                   "\"\n"
                   "[[bus.device]]\nname = \"gn-1\"\nmodel = \"XJ-GN1\"\nunit = 5\npoll_ms = 3000\nfast_poll_ms = 300\n"
                   "[[interlock]]\nname = \"face-power\"\npoint = \"ch4-1.ch4\"\nabove = 1.5\nrestore = 1.0\n"
                   "device = \"ar4-1\"\noutputs = [\"power_cut\", \"beacon\"]\n"
                   "[[interlock]]\nname = \"face-siren\"\npoint = \"ch4-1.ch4\"\nabove = 1.0\nrestore = 1.0\n"
                   "device = \"ar4-1\"\noutputs = [\"siren\"]\n"
                   "[[warning]]\nname = \"crest-moving\"\npoint = \"gn-1.horizontal\"\nabove = 20.0\nrestore = 15.0\n");
    REQUIRE(send_line(control, "set ch4-1 ch4 0.30") == "ok");
  }

  void start_gateway() {
    gateway = std::make_unique<Process>(std::vector<std::string>{bin("lookout-gateway"), "--config", (dir / "site.toml").string()},
                                        dir / "gateway.log");
  }

  /// The values of `point` (null as NaN) the gateway has measured, in the order it measured
  /// them, read from its outbox. The rig has no aggregator to acknowledge a batch, so every
  /// batch stays there: this is a record of each poll the gateway made, whatever the broker.
  /// A reading is in the outbox only after the edge logic has acted on it (on the polling
  /// thread, before it is queued) and after the coil writes due before that poll.
  std::vector<double> measured(const std::string& point) const {
    std::vector<double> out;
    for (const auto& batch : queued_batches(dir / "gw")) {
      for (const auto& r : batch.readings) {
        if (r["point"] == point) out.push_back(r["value"].is_null() ? NAN : r["value"].get<double>());
      }
    }
    return out;
  }

  /// How many readings of ch4-1.ch4 the gateway has measured at `value` [%CH4].
  std::size_t methane_polls_at(double value) const {
    const auto v = measured("ch4-1.ch4");
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](double x) { return std::fabs(x - value) < 1e-6; }));
  }

  /// Presses of the module's reset button the gateway has seen whole: read down, then up.
  int presses_seen() const {
    int n = 0;
    double last = 0;
    for (const double v : measured("ar4-1.reset_button")) {
      if (last == 1.0 && v == 0.0) ++n;
      last = v;
    }
    return n;
  }

  /// A field engineer's finger on the module's reset button: held until the gateway has
  /// acted on the press (its log has one more "interlock face-power OUTCOME:", OUTCOME being
  /// reset or reset_refused), then lifted until the gateway has read it up again, so that
  /// the next press is a new one and every write the press caused has gone out.
  void press_reset(const std::string& outcome) {
    const std::string needle = "interlock face-power " + outcome + ":";
    const auto before = occurrences(gateway->stderr_text(), needle);
    const int pressed = presses_seen();
    REQUIRE(send_line(control, "set ar4-1 reset_button 1") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return occurrences(gateway->stderr_text(), needle) > before; }, HUNG_RUN),
                    gateway->stderr_text());
    REQUIRE(send_line(control, "set ar4-1 reset_button 0") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return presses_seen() > pressed; }, HUNG_RUN), gateway->stderr_text());
  }

  /// Waits until the gateway has measured methane at `value` `polls` times: it has judged that
  /// value, and acted on all but the last of those readings on the module.
  void wait_methane_polls(double value, std::size_t polls) {
    REQUIRE_MESSAGE(eventually([&] { return methane_polls_at(value) >= polls; }, HUNG_RUN), gateway->stderr_text());
  }
};

}  // namespace

TEST_SUITE("integration.edge") {
  TEST_CASE("a methane power cut fires with the broker down - latches - resets only when both conditions hold") {
    EdgeRig rig;
    MqttProbe events(rig.broker->uri(), EVENTS, true);
    rig.start_gateway();
    // GIVEN the gateway up, its heartbeat set on the module, and then the broker gone
    REQUIRE_MESSAGE(eventually([&] { return sim_state(rig.control, "ar4-1")["heartbeat_timeout_s"] == 3; }, HUNG_RUN),
                    rig.gateway->stderr_text());
    rig.broker->stop();

    // WHEN methane reaches 1.6 %CH4 THEN the power cut, the beacon and the siren are on
    REQUIRE(send_line(rig.control, "set ch4-1 ch4 1.6") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return coil(rig.control, "power_cut"); }, HUNG_RUN), rig.gateway->stderr_text());
    CHECK(coil(rig.control, "beacon"));
    CHECK(coil(rig.control, "siren"));

    // WHEN it falls to 1.2 (below the power-cut level, not below the restore value), two polls
    // see it, and a person presses the reset THEN the power cut stays
    REQUIRE(send_line(rig.control, "set ch4-1 ch4 1.2") == "ok");
    rig.wait_methane_polls(1.2, 2);
    rig.press_reset("reset_refused");
    CHECK(coil(rig.control, "power_cut"));
    CHECK(coil(rig.control, "siren"));

    // WHEN it falls to 0.5 THEN the siren stops by itself, the power cut stays over three polls
    // at 0.5: nobody reset it since
    REQUIRE(send_line(rig.control, "set ch4-1 ch4 0.5") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return !coil(rig.control, "siren"); }, HUNG_RUN), rig.gateway->stderr_text());
    rig.wait_methane_polls(0.5, 3);
    CHECK(coil(rig.control, "power_cut"));
    // AND for longer than the module's 3 s heartbeat it never went 3 s without a write: the
    // gateway keeps it alive. Its time since the last write, sampled over 4 s of the
    // simulator's clock (the same steady clock): a gateway that stopped writing would show 4 s
    // whatever the machine's speed, so this window needs no marker of its own.
    double longest_s = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(4);
    while (std::chrono::steady_clock::now() < until) {
      longest_s = std::max(longest_s, sim_state(rig.control, "ar4-1")["since_last_write_s"].get<double>());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(longest_s < 3.0);
    const auto ar4 = sim_state(rig.control, "ar4-1");
    CHECK(ar4["heartbeat_expired"] == false);
    CHECK(ar4["power_cut"] == true);

    // WHEN the reset is pressed now THEN both conditions hold: released
    rig.press_reset("reset");
    REQUIRE_MESSAGE(eventually([&] { return !coil(rig.control, "power_cut"); }, HUNG_RUN), rig.gateway->stderr_text());
    CHECK_FALSE(coil(rig.control, "beacon"));

    // AND when the broker is back every action arrives on up/events, in order
    rig.broker->restart();
    const std::vector<std::string> expected{"face-power:tripped",       "face-siren:tripped",
                                            "face-power:reset_refused", "face-power:awaiting_reset",
                                            "face-siren:released",      "face-power:reset"};
    const bool all = eventually([&] { return edge_actions(events).size() >= expected.size(); }, HUNG_RUN);
    CHECK_MESSAGE(all, rig.gateway->stderr_text());
    CHECK(edge_actions(events) == expected);
    if (all) {
      const auto tripped = json::parse(events.messages().front().payload);
      CHECK(tripped["value"] == 1.6);
      CHECK(tripped["device"] == "ar4-1");
    }

    // AND when the gateway is gone the module's own heartbeat sets the beacon (after its 3 s,
    // by the simulator's clock; the deadline only bounds a hung run)
    CHECK(rig.gateway->stop() == 0);
    CHECK(eventually([&] { return coil(rig.control, "beacon"); }, HUNG_RUN));
  }

  TEST_CASE("a latched power cut survives a gateway restart and is reset over MQTT") {
    EdgeRig rig;
    MqttProbe events(rig.broker->uri(), EVENTS);
    rig.start_gateway();
    REQUIRE(send_line(rig.control, "set ch4-1 ch4 2.0") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return coil(rig.control, "power_cut"); }, HUNG_RUN),
                    rig.gateway->stderr_text());
    REQUIRE(send_line(rig.control, "set ch4-1 ch4 0.2") == "ok");
    // Killed once it has judged 0.2: restored, latched until reset
    REQUIRE_MESSAGE(eventually([&] { return rig.gateway->stderr_text().find("interlock face-power awaiting_reset:") != std::string::npos; },
                               HUNG_RUN),
                    rig.gateway->stderr_text());
    // WHEN the gateway is killed and the module's relays are cleared behind its back (a restart of the module)
    rig.gateway->kill_hard();
    REQUIRE(send_line(rig.control, "set ar4-1 power_cut 0") == "ok");
    rig.start_gateway();
    // THEN the restarted gateway puts the latched power cut back
    REQUIRE_MESSAGE(eventually([&] { return coil(rig.control, "power_cut"); }, HUNG_RUN),
                    rig.gateway->stderr_text());
    CHECK(rig.gateway->stderr_text().find("interlock face-power was latched before the restart") != std::string::npos);
    // AND its retained status says so, with the writes counted on the module and its bus
    MqttProbe status(rig.broker->uri(), "lookout/v1/xj-mine/mine-1/gw-1/up/status");
    const auto latched = status.wait_for(
        [](const ProbeMessage& m) {
          const auto j = json::parse(m.payload);
          return j.value("online", false) && j["interlocks"]["face-power"] == "awaiting_reset" &&
                 j["devices"]["ar4-1"]["writes"].get<int>() > 0 && j["buses"]["rs485-1"]["writes"].get<int>() > 0 &&
                 j["buses"]["rs485-1"]["devices"] == 2;
        },
        HUNG_RUN);
    CHECK_MESSAGE(latched, (status.messages().empty() ? std::string("no status") : status.messages().back().payload));

    // WHEN a reset command names an unknown interlock THEN it is refused by name
    const auto unknown = command(events, R"({"v":1,"id":"r0","command":"reset_interlock","interlock":"face-pwr"})");
    REQUIRE(unknown);
    CHECK((*unknown)["errors"][0] == "interlock: no interlock \"face-pwr\" on this gateway");
    // WHEN the reset command arrives with methane restored THEN it is released
    const auto answered = command(events, R"({"v":1,"id":"r1","command":"reset_interlock","interlock":"face-power"})");
    REQUIRE(answered);
    CHECK((*answered)["ok"] == true);
    REQUIRE(eventually([&] { return !coil(rig.control, "power_cut"); }, HUNG_RUN));
    const auto reset = events.wait_for(
        [](const ProbeMessage& m) {
          const auto j = json::parse(m.payload);
          return j.value("action", "") == "reset";
        },
        HUNG_RUN);
    REQUIRE(reset);
    CHECK(json::parse(reset->payload)["by"] == "command");
  }

  TEST_CASE("an XJ-GN1 runs fast-static while its point is in a warning state - and back") {
    EdgeRig rig;
    // GIVEN a solution each second, so the test does not wait for hours
    REQUIRE(send_line(rig.control, "set gn-1 epoch_period_s 1") == "ok");
    rig.start_gateway();
    REQUIRE_MESSAGE(eventually([&] { return rig.gateway->stderr_text().find("gn-1: wrote mode normal") != std::string::npos; },
                               HUNG_RUN),
                    rig.gateway->stderr_text());
    CHECK(sim_state(rig.control, "gn-1")["mode"] == 0);
    // WHEN the crest moves 24 mm THEN the station is switched to fast-static and polled every 300 ms
    REQUIRE(send_line(rig.control, "set gn-1 d_north 24.0") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return sim_state(rig.control, "gn-1")["mode"] == 1; }, HUNG_RUN),
                    rig.gateway->stderr_text());
    CHECK(rig.gateway->stderr_text().find("device gn-1 polled every 300 ms (warning)") != std::string::npos);
    // WHEN it is back under the restore value THEN static again, at its own period
    REQUIRE(send_line(rig.control, "set gn-1 d_north 3.0") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return sim_state(rig.control, "gn-1")["mode"] == 0; }, HUNG_RUN),
                    rig.gateway->stderr_text());
    CHECK(rig.gateway->stderr_text().find("device gn-1 polled every 3000 ms") != std::string::npos);
  }
}
