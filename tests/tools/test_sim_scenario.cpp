// Tests for tools/sim/scenario.cpp: the scenario file format, its checks with
// file:line:column, and every scenario shipped in tools/sim/scenarios/.
#include <doctest/doctest.h>

#include <filesystem>

#include "firmware/config/toml_checker.hpp"
#include "tools/sim/scenario.hpp"

using namespace lookout::sim;
using lookout::config::ConfigErrors;

namespace {

const std::string DEVICES =
    "[scenario]\nname = \"t\"\n"
    "[[device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\n"
    "[[device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 2\n";

/// The issues of a scenario that must not load, one "file:line:col: message" a line.
std::string problems(const std::string& text) {
  try {
    parse_scenario(text, "s.toml");
  } catch (const ConfigErrors& e) {
    return e.what();
  }
  return "(loaded)";
}

}  // namespace

TEST_SUITE("sim.scenario") {
  TEST_CASE("sets and ramps expand to events in time order") {
    const auto sc = parse_scenario(DEVICES +
                                       // line 11
                                       "[[step]]\nat_s = 10\ndevice = \"rl-1\"\nfield = \"air_gap\"\n"
                                       "from = 3000\nto = 2000\nover_s = 20\nstep_s = 8\n"
                                       "[[step]]\nat_s = 5\ndevice = \"ch4-1\"\nfield = \"status\"\nvalue = \"fault\"\n",
                                   "s.toml");
    CHECK(sc.name == "t");
    REQUIRE(sc.devices.size() == 2);
    CHECK(sc.devices[1].model == "XJ-RL80");
    // THEN the set at 5 s comes first, then the ramp's points at 10, 18, 26 and its end at 30
    REQUIRE(sc.events.size() == 5);
    CHECK(sc.events[0].at.count() == 5.0);
    CHECK(sc.events[0].value == "fault");
    CHECK(sc.events[0].note == "set ch4-1 status fault");
    CHECK(sc.events[1].at.count() == 10.0);
    CHECK(sc.events[1].value == "3000");
    CHECK(sc.events[1].note == "ramp rl-1 air_gap 3000 -> 2000 over 20 s");
    CHECK(sc.events[1].line == 11);
    CHECK(sc.events[2].value == "2600");  // 3000 - 1000 * 8/20, integers stay integers
    CHECK(sc.events[3].value == "2200");
    CHECK(sc.events[4].at.count() == 30.0);
    CHECK(sc.events[4].value == "2000");
    CHECK(sc.events[4].note == "ramp rl-1 air_gap reached 2000");
    CHECK(sc.length().count() == 30.0);
  }

  TEST_CASE("repeats and loops") {
    const auto sc = parse_scenario("[scenario]\nname = \"r\"\nloop_s = 100\n"
                                   "[[device]]\nname = \"rg-1\"\nmodel = \"XJ-RG2\"\nunit = 1\n"
                                   "[[step]]\nat_s = 1\ndevice = \"rg-1\"\nfield = \"add_tips\"\nvalue = 5\n"
                                   "repeat_every_s = 30\nrepeat_times = 3\n",
                                   "s.toml");
    REQUIRE(sc.events.size() == 3);
    CHECK(sc.events[2].at.count() == 61.0);
    CHECK(sc.loop.count() == 100.0);
  }

  TEST_CASE("every problem is named with file - line and column") {
    const auto text = problems(DEVICES +
                               // line 11
                               "[[step]]\nat_s = -1\ndevice = \"rl-2\"\nfield = \"air_gap\"\nvalue = 1\n"
                               // line 16
                               "[[step]]\nat_s = 1\ndevice = \"ch4-1\"\nfield = \"status\"\nvalue = \"broken\"\n"
                               // line 21
                               "[[step]]\nat_s = 1\ndevice = \"ch4-1\"\nfeild = \"ch4\"\nvalue = 1\n"
                               // line 26
                               "[[step]]\nat_s = 1\ndevice = \"ch4-1\"\nfield = \"ch4\"\nvalue = 1\nfrom = 1\n"
                               // line 32
                               "[[step]]\nat_s = 1\ndevice = \"ch4-1\"\nfield = \"ch4\"\nfrom = 0.1\nto = -2.0\n"
                               "over_s = 10\n");
    CHECK(text.find("s.toml:12:8: step[0].at_s: want seconds >= 0") != std::string::npos);
    CHECK(text.find("s.toml:13:10: step[0].device: \"rl-2\" is not a [[device]] of this scenario (ch4-1, rl-1)") !=
          std::string::npos);
    CHECK(text.find("s.toml:20:9: step[1].value: ch4-1 (XJ-CH4) refuses status = broken") != std::string::npos);
    CHECK(text.find("s.toml:24:1: step[2].feild: unknown key; did you mean \"field\"?") != std::string::npos);
    CHECK(text.find("s.toml:26:1: step[3]: either value (a set) or from/to/over_s (a ramp), not both") !=
          std::string::npos);
    CHECK(text.find("s.toml:37:6: step[4].to: ch4-1 (XJ-CH4) refuses ch4 = -2") != std::string::npos);
  }

  TEST_CASE("device tables are checked - model - unit - duplicates") {
    const auto text = problems("[scenario]\nname = \"d\"\n"
                               "[[device]]\nname = \"a\"\nmodel = \"XJ-CH5\"\nunit = 1\n"
                               "[[device]]\nname = \"b\"\nmodel = \"XJ-CH4\"\nunit = 300\n"
                               "[[device]]\nname = \"c\"\nmodel = \"XJ-CH4\"\nunit = 2\n"
                               "[[device]]\nname = \"c\"\nmodel = \"XJ-RG2\"\nunit = 3\n"
                               "[[step]]\nat_s = 0\ndevice = \"c\"\nfield = \"ch4\"\nvalue = 1\n");
    CHECK(text.find("s.toml:5:9: device[0].model: unknown model \"XJ-CH5\"") != std::string::npos);
    CHECK(text.find("s.toml:10:8: device[1].unit: 300 is outside 1..247") != std::string::npos);
    CHECK(text.find("s.toml:16:8: device[3].name: \"c\" is already a device") != std::string::npos);
  }

  TEST_CASE("a loop shorter than the steps and a syntax error are refused") {
    CHECK(problems("[scenario]\nname = \"l\"\nloop_s = 10\n"
                   "[[device]]\nname = \"a\"\nmodel = \"XJ-CH4\"\nunit = 1\n"
                   "[[step]]\nat_s = 20\ndevice = \"a\"\nfield = \"ch4\"\nvalue = 1\n")
              .find("s.toml:3:10: scenario.loop_s: 10 s is not after the last step (at 20 s, step at line 8)") !=
          std::string::npos);
    CHECK(problems("[scenario]\nname = \n").starts_with("s.toml:2:"));
    CHECK(problems("[scenario]\nname = \"x\"\n").find("missing (at least one [[device]] table)") != std::string::npos);
  }

  TEST_CASE("too many ramp points is an error - not an exhausted memory") {
    CHECK(problems(DEVICES + "[[step]]\nat_s = 0\ndevice = \"ch4-1\"\nfield = \"ch4\"\nfrom = 0\nto = 1\n"
                             "over_s = 1e9\nstep_s = 1\n")
              .find("ramp points is too many") != std::string::npos);
  }

  TEST_CASE("every shipped scenario loads") {
    // LOOKOUT_SOURCE_DIR comes from tests/CMakeLists.txt.
    const std::filesystem::path dir = std::filesystem::path(LOOKOUT_SOURCE_DIR) / "tools/sim/scenarios";
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".toml") continue;
      CAPTURE(entry.path().string());
      Scenario sc;
      REQUIRE_NOTHROW(sc = load_scenario(entry.path()));
      CHECK(sc.name == entry.path().stem().string());
      CHECK_FALSE(sc.description.empty());
      CHECK_FALSE(sc.devices.empty());
      CHECK_FALSE(sc.events.empty());
      names.push_back(sc.name);
    }
    // the scenarios issue #5 asks for
    for (const auto* want : {"normal", "rainstorm", "gas_leak", "flood", "landslide", "faults"}) {
      CHECK_MESSAGE(std::find(names.begin(), names.end(), want) != names.end(), want);
    }
  }
}
