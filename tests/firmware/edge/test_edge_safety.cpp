// Edge interlocks and warnings, driven directly with readings (issue #3 "Scheduling and edge
// safety"; standards.md "Coal-mine methane": a power cut latches until the value is below
// the restore value AND a person resets it).
#include <doctest/doctest.h>

#include <algorithm>

#include "firmware/edge/edge_safety.hpp"

using namespace lookout::firmware::edge;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;
using lookout::wire::Reading;

namespace {

Reading methane(double v, std::int64_t ts = 1000) {
  return {"ch4-1.ch4", "methane", v, "%CH4", ts, Quality::good, DeviceStatus::ok};
}
Reading bad(std::string point, DeviceStatus status, std::int64_t ts = 1000) {
  return {std::move(point), "methane", std::nullopt, "%CH4", ts, Quality::bad, status};
}
Reading button(bool pressed, std::int64_t ts = 1000) {
  return {"ar4-1.reset_button", "button_state", pressed ? 1.0 : 0.0, "", ts, Quality::good, DeviceStatus::ok};
}

/// Working face (standards.md): alarm 1.0, power cut 1.5, restore below 1.0.
EdgeSafety working_face() {
  InterlockSpec cut{"face-power", {"ch4-1.ch4", true, 1.5, 1.0}, "ar4-1", {"power_cut", "beacon"}, true, false, {}};
  InterlockSpec siren{"face-siren", {"ch4-1.ch4", true, 1.0, 1.0}, "ar4-1", {"siren"}, false, false, {}};
  return EdgeSafety({cut, siren}, {});
}

bool power_cut(const EdgeSafety& e) { return e.outputs().at("ar4-1").at("power_cut"); }

std::vector<std::string> actions(const std::vector<EdgeEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.name + ":" + e.action);
  return out;
}

}  // namespace

TEST_SUITE("edge") {
  TEST_CASE("a methane power cut trips at its level and latches until restored and reset") {
    auto e = working_face();
    CHECK_FALSE(power_cut(e));
    // WHEN methane reaches 1.5 %CH4 THEN the power cut and the siren trip on that reading
    CHECK(actions(e.on_readings({methane(1.5)})) == std::vector<std::string>{"face-power:tripped", "face-siren:tripped"});
    CHECK(power_cut(e));
    CHECK(e.outputs().at("ar4-1").at("beacon"));
    CHECK(e.latched() == std::vector<std::string>{"face-power"});
    // WHEN it falls below the restore value THEN the siren stops by itself, the power cut waits for a person
    CHECK(actions(e.on_readings({methane(0.6, 2000)})) ==
          std::vector<std::string>{"face-power:awaiting_reset", "face-siren:released"});
    CHECK(power_cut(e));
    CHECK_FALSE(e.outputs().at("ar4-1").at("siren"));
    // AND a reset then releases it
    const auto reset = e.reset("", "command", 3000);
    CHECK(actions(reset) == std::vector<std::string>{"face-power:reset"});
    CHECK(reset[0].by == "command");
    CHECK_FALSE(power_cut(e));
    CHECK(e.latched().empty());
  }

  TEST_CASE("a reset is refused while the value is not below the restore value") {
    auto e = working_face();
    e.on_readings({methane(1.7)});
    // WHEN the value falls to 1.2: below the power-cut level but not below the restore value 1.0
    e.on_readings({methane(1.2, 2000)});
    const auto refused = e.reset("face-power", "command", 2100);
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].action == "reset_refused");
    CHECK(refused[0].detail.find("restore value 1") != std::string::npos);
    CHECK(power_cut(e));
    // AND a reset that came early does not count later: restored, still latched
    e.on_readings({methane(0.4, 3000)});
    CHECK(power_cut(e));
    // AND a value at exactly the restore value is not below it
    e.on_readings({methane(1.0, 3500)});
    CHECK(actions(e.reset("face-power", "command", 3600)) == std::vector<std::string>{"face-power:reset_refused"});
    e.on_readings({methane(0.99, 4000)});
    CHECK(actions(e.reset("face-power", "command", 4100)) == std::vector<std::string>{"face-power:reset"});
    CHECK_FALSE(power_cut(e));
  }

  TEST_CASE("a bad reading after the restore takes the restore back") {
    auto e = working_face();
    e.on_readings({methane(1.6)});
    e.on_readings({methane(0.5, 2000)});
    // WHEN the sensor goes offline THEN nobody can know it is still below: a reset is refused
    e.on_readings({bad("ch4-1.ch4", DeviceStatus::offline, 3000)});
    CHECK(actions(e.reset("", "command", 3100)) == std::vector<std::string>{"face-power:reset_refused"});
    CHECK(power_cut(e));
  }

  TEST_CASE("the output module's reset button resets when pressed - not while held") {
    auto e = working_face();
    e.on_readings({methane(1.6)});
    // WHEN the button is pressed while methane is still high THEN the reset is refused
    CHECK(actions(e.on_readings({button(true, 1500)})) == std::vector<std::string>{"face-power:reset_refused"});
    // AND holding it down does not try again at every poll
    CHECK(e.on_readings({button(true, 1700)}).empty());
    e.on_readings({button(false, 1900), methane(0.5, 2000)});
    CHECK(power_cut(e));
    // WHEN it is pressed again with methane restored THEN the power cut is released
    const auto events = e.on_readings({button(true, 2500)});
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == "reset");
    CHECK(events[0].by == "button");
    CHECK_FALSE(power_cut(e));
  }

  TEST_CASE("over range trips - and cannot prove a restore") {
    auto e = working_face();
    Reading over{"ch4-1.ch4", "methane", 4.0, "%CH4", 1000, Quality::uncertain, DeviceStatus::over_range};
    CHECK(actions(e.on_readings({over})).size() == 2);
    CHECK(power_cut(e));
  }

  TEST_CASE("bad readings trip only an interlock that asks for it") {
    InterlockSpec failsafe{"fs", {"ch4-1.ch4", true, 1.5, 1.0}, "ar4-1", {"power_cut"}, true, true, {}};
    InterlockSpec plain{"plain", {"ch4-1.ch4", true, 1.0, 1.0}, "ar4-2", {"siren"}, false, false, {}};
    EdgeSafety e({failsafe, plain}, {});
    CHECK(actions(e.on_readings({bad("ch4-1.ch4", DeviceStatus::sensor_fault)})) ==
          std::vector<std::string>{"fs:tripped"});
    CHECK(e.outputs().at("ar4-1").at("power_cut"));
    CHECK_FALSE(e.outputs().at("ar4-2").at("siren"));
  }

  TEST_CASE("a latched interlock comes back tripped after a restart") {
    auto e = working_face();
    e.restore_latched({"face-power", "face-siren"});  // the siren does not latch: ignored
    CHECK(power_cut(e));
    CHECK_FALSE(e.outputs().at("ar4-1").at("siren"));
    // AND it needs both conditions like before
    CHECK(actions(e.reset("", "command", 10)) == std::vector<std::string>{"face-power:reset_refused"});
    e.on_readings({methane(0.3, 20)});
    CHECK(actions(e.reset("", "command", 30)) == std::vector<std::string>{"face-power:reset"});
  }

  TEST_CASE("a below interlock - oxygen deficiency") {
    InterlockSpec o2{"o2-low", {"gd-1.gas", false, 19.5, 20.0}, "ar4-1", {"siren"}, false, false, {}};
    EdgeSafety e({o2}, {});
    const auto at = [](double v) { return Reading{"gd-1.gas", "o2", v, "%VOL", 1, Quality::good, DeviceStatus::ok}; };
    CHECK(e.on_readings({at(19.8)}).empty());
    CHECK(actions(e.on_readings({at(19.5)})) == std::vector<std::string>{"o2-low:tripped"});
    CHECK(e.on_readings({at(19.9)}).empty());  // between: held
    CHECK(actions(e.on_readings({at(20.1)})) == std::vector<std::string>{"o2-low:released"});
  }

  TEST_CASE("a warning speeds up its devices while it holds") {
    WarningSpec w{"crest", {"gn-1.horizontal", true, 20.0, 15.0}, {"gn-1", "in-1"}};
    EdgeSafety e({}, {w});
    const auto at = [](double v) {
      return Reading{"gn-1.horizontal", "displacement_horizontal", v, "mm", 1, Quality::good, DeviceStatus::ok};
    };
    CHECK(e.fast_devices().empty());
    const auto started = e.on_readings({at(21.0)});
    REQUIRE(started.size() == 1);
    CHECK(started[0].action == "started");
    CHECK(e.fast_devices() == std::set<std::string>{"gn-1", "in-1"});
    CHECK(e.on_readings({at(16.0)}).empty());
    CHECK(e.on_readings({Reading{"gn-1.horizontal", "", std::nullopt, "mm", 2, Quality::bad, DeviceStatus::no_fix}})
              .empty());
    CHECK(e.fast_devices().size() == 2);
    CHECK(actions(e.on_readings({at(14.0)})) == std::vector<std::string>{"crest:ended"});
    CHECK(e.fast_devices().empty());
  }

  TEST_CASE("an edge event on the wire names what happened") {
    auto e = working_face();
    const auto events = e.on_readings({methane(1.6, 1764100000000)});
    const auto j = encode("gw-1", events[0]);
    CHECK(j.find("\"event\":\"interlock\"") != std::string::npos);
    CHECK(j.find("\"action\":\"tripped\"") != std::string::npos);
    CHECK(j.find("\"outputs\":[\"power_cut\",\"beacon\"]") != std::string::npos);
    CHECK(j.find("\"value\":1.6") != std::string::npos);
    CHECK(j.find("\"ts\":1764100000000") != std::string::npos);
  }
}
