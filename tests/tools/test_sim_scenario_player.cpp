// Tests for tools/sim/scenario_player.cpp: events fire on time, scaled, on their devices;
// loops replay; a refusal is reported and does not stop the play.
#include <doctest/doctest.h>

#include "tools/sim/control_protocol.hpp"
#include "tools/sim/device_factory.hpp"
#include "tools/sim/scenario_player.hpp"

using namespace lookout::sim;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  DeviceSet devices;
  std::vector<std::string> said;
  Clock::time_point t0 = Clock::now();
  Fixture() { devices.add(make_device("XJ-RL80", "rl-1", 1, Seconds{0.0})); }
  ScenarioPlayer player(const std::string& text, double scale) {
    return ScenarioPlayer(parse_scenario(text, "p.toml"), devices, t0, t0, scale,
                          [this](const std::string& line) { said.push_back(line); });
  }
  std::string air_gap() const { return devices.find("rl-1")->to_json(Seconds{1.0})["state"]["air_gap"].dump(); }
};

const std::string RAMP =
    "[scenario]\nname = \"p\"\n"
    "[[device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 1\n"
    "[[step]]\nat_s = 60\ndevice = \"rl-1\"\nfield = \"air_gap\"\nfrom = 3000\nto = 1000\nover_s = 3600\n"
    "step_s = 600\n";

}  // namespace

TEST_SUITE("sim.scenario") {
  TEST_CASE("a ramp plays on time at a time scale of 60") {
    Fixture f;
    auto p = f.player(RAMP, 60.0);
    // GIVEN a ramp from t=60 s (1 real second at 60x)
    CHECK(p.poll_timeout_ms(f.t0) == 1000);
    p.advance(f.t0 + 999ms);
    CHECK(f.said.empty());
    CHECK(f.air_gap() == "2350");  // the sheet's example, untouched
    // WHEN 1 s passes THEN the ramp starts at 3000 mm
    p.advance(f.t0 + 1s);
    CHECK(f.air_gap() == "3000");
    REQUIRE(f.said.size() == 1);
    CHECK(f.said[0] == "scenario p: t=60.0 s ramp rl-1 air_gap 3000 -> 1000 over 3600 s");
    // AND halfway (t = 60 + 1800 s = 31 real s) it is at 2000
    p.advance(f.t0 + 31s);
    CHECK(f.air_gap() == "2000");
    CHECK_FALSE(p.finished());
    // AND at the end it is at 1000 and says so
    p.advance(f.t0 + 61s);
    CHECK(f.air_gap() == "1000");
    CHECK(p.finished());
    CHECK(f.said.back() == "scenario p: finished at t=3660.0 s");
    CHECK(p.poll_timeout_ms(f.t0 + 100s) == -1);
  }

  TEST_CASE("a value a person set holds over the scenario until released") {
    Fixture f;
    auto p = f.player(RAMP, 60.0);
    p.advance(f.t0 + 1s);
    CHECK(f.air_gap() == "3000");
    // GIVEN a person sets the air gap through the control protocol
    CHECK(handle_control_line("set rl-1 air_gap 1500", f.devices, Seconds{1.0}) == "ok");
    // WHEN the ramp goes on THEN it leaves the held value alone
    p.advance(f.t0 + 31s);
    CHECK(f.air_gap() == "1500");
    // WHEN the person releases it THEN the next step of the ramp drives it again
    CHECK(handle_control_line("release rl-1 air_gap", f.devices, Seconds{1.0}) == "ok: 1 released");
    CHECK(handle_control_line("release rl-1", f.devices, Seconds{1.0}) == "ok: 0 released");
    p.advance(f.t0 + 41s);
    CHECK(f.air_gap() != "1500");
    CHECK(handle_control_line("release nobody", f.devices, Seconds{1.0}) == "error: unknown device 'nobody'");
  }

  TEST_CASE("a looping scenario replays from the start") {
    Fixture f;
    auto p = f.player("[scenario]\nname = \"l\"\nloop_s = 10\n"
                      "[[device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 1\n"
                      "[[step]]\nat_s = 1\ndevice = \"rl-1\"\nfield = \"connected\"\nvalue = 0\n"
                      "[[step]]\nat_s = 5\ndevice = \"rl-1\"\nfield = \"connected\"\nvalue = 1\n",
                      1.0);
    p.advance(f.t0 + 2s);
    CHECK_FALSE(f.devices.find("rl-1")->connected());
    p.advance(f.t0 + 6s);
    CHECK(f.devices.find("rl-1")->connected());
    // the second loop: unplugged again at 11 s
    CHECK(p.poll_timeout_ms(f.t0 + 6s) == 5000);
    p.advance(f.t0 + 11s);
    CHECK_FALSE(f.devices.find("rl-1")->connected());
    CHECK_FALSE(p.finished());
    CHECK(f.said[2] == "scenario l: loop 2 starts at t=10.0 s");
  }
}

// lookout-sim --scenario: the shipped flood scenario, five hours of rising river played at
// 36000x (half a second), read back through the control port.
#include <filesystem>

#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/process.hpp"

TEST_SUITE("sim.scenario") {
  TEST_CASE("lookout-sim plays the shipped flood scenario in seconds") {
    using namespace lookout::test;
    TempDir dir;
    const std::string file = std::string(LOOKOUT_SOURCE_DIR) + "/tools/sim/scenarios/flood.toml";
    const auto t0 = std::chrono::steady_clock::now();
    Process sim({bin("lookout-sim"), "--warmup-s", "0", "--scenario", file, "--time-scale", "36000"}, dir / "sim.log");
    const auto control_line = sim.wait_for_line("control listening on", HUNG_RUN);
    REQUIRE_MESSAGE(control_line, sim.stderr_text());
    // THEN the banner names the scenario's devices and the scenario
    CHECK(sim.wait_for_line("device rl-1 XJ-RL80 unit 1", HUNG_RUN));
    CHECK(sim.wait_for_line("scenario flood from " + file + ": 303 event(s) over 18000 s, time scale 36000",
                            HUNG_RUN));
    // AND it plays to the end: the river from 3500 mm of air gap to 1000 mm
    const auto done = sim.wait_for_line("scenario flood: finished at t=18000.0 s", HUNG_RUN);
    REQUIRE_MESSAGE(done, sim.stderr_text());
    const auto took = std::chrono::steady_clock::now() - t0;
    // 18000 s at time scale 36000 is 0.5 s; unscaled it would be five hours: 5 s tells the
    // two apart on any machine
    CHECK(took < std::chrono::seconds(5));
    CHECK(sim.wait_for_line("scenario flood: t=0.0 s ramp rl-1 air_gap 3500 -> 1000 over 18000 s",
                            HUNG_RUN));
    CHECK(sim.wait_for_line("scenario flood: t=10800.0 s set rg-1 rain_rate 0", HUNG_RUN));
    const int control = port_in(*control_line);
    CHECK(send_line(control, "get rl-1").find("\"air_gap\":1000,") != std::string::npos);
    // AND the devices stay controllable after the scenario
    CHECK(send_line(control, "set rl-1 air_gap 2350") == "ok");
    CHECK(sim.stop() == 0);
  }

  TEST_CASE("lookout-sim refuses a bad scenario with file - line and column - exit 2") {
    using namespace lookout::test;
    TempDir dir;
    write_file(dir / "bad.toml", "[scenario]\nname = \"bad\"\n[[device]]\nname = \"a\"\nmodel = \"XJ-CH4\"\nunit = 1\n"
                                 "[[step]]\nat_s = 0\ndevice = \"a\"\nfield = \"ch5\"\nvalue = 1\n");
    const auto r = run_command({bin("lookout-sim"), "--scenario", (dir / "bad.toml").string()});
    CHECK(r.status == 2);
    CHECK(r.err.starts_with((dir / "bad.toml").string() + ":11:9: step[0].value: a (XJ-CH4) refuses ch5 = 1: unknown field"));
    CHECK(r.err.ends_with("1 problem(s) in " + (dir / "bad.toml").string() + "\n"));
    // a scenario device clashing with a --device unit
    const std::string flood = std::string(LOOKOUT_SOURCE_DIR) + "/tools/sim/scenarios/flood.toml";
    const auto clash = run_command({bin("lookout-sim"), "--scenario", flood, "--device", "x=XJ-CH4@1"});
    CHECK(clash.status == 1);
    CHECK(clash.err.find("duplicate unit id 1") != std::string::npos);
  }
}
