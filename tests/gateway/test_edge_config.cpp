// The site file's [[interlock]] and [[warning]] tables (docs/config.md "Edge safety").
#include <doctest/doctest.h>

#include <algorithm>

#include "firmware/config/toml_checker.hpp"
#include "firmware/methane_standard.hpp"
#include "gateway/site_config.hpp"

using namespace lookout::gateway;

namespace {

const std::string BASE = R"([gateway]
id = "gw-1"
enterprise = "xj-mine"
site = "mine-1"
data_dir = "state"

[mqtt]
uri = "tcp://127.0.0.1:1883"

[[bus]]
name = "rs485-1"
type = "rtu"
port = "/dev/ttyS1"

[[bus.device]]
name = "ch4-1"
model = "XJ-CH4"
unit = 1

[[bus.device]]
name = "ar4-1"
model = "XJ-AR4"
unit = 2
heartbeat_s = 10

[[bus]]
name = "tcp-1"
type = "tcp"
address = "127.0.0.1:1502"

[[bus.device]]
name = "gn-1"
model = "XJ-GN1"
unit = 1
fast_poll_ms = 10000
)";

std::vector<std::string> problems(const std::string& text) {
  try {
    parse_site(text, "s.toml");
  } catch (const lookout::config::ConfigErrors& e) {
    std::vector<std::string> out;
    for (const auto& i : e.issues()) out.push_back(i.str());
    return out;
  }
  return {};
}

std::vector<std::string> notes_of(const SiteConfig& site) {
  std::vector<std::string> out;
  for (const auto& n : site.notes) out.push_back(n.str());
  return out;
}

/// One interlock on ch4-1.ch4 (line 37 on) with `figures` as its extra lines.
std::string methane_interlock(const std::string& outputs, const std::string& figures) {
  return BASE + "\n[[interlock]]\nname = \"m\"\npoint = \"ch4-1.ch4\"\ndevice = \"ar4-1\"\noutputs = " + outputs +
         "\n" + figures;
}

bool has(const std::vector<std::string>& all, const std::string& part) {
  return std::any_of(all.begin(), all.end(), [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

}  // namespace

TEST_SUITE("edge_config") {
  TEST_CASE("interlocks and warnings are read") {
    const auto site = parse_site(BASE + R"(
[[interlock]]
name = "face-power"
point = "ch4-1.ch4"
above = 1.5
restore = 1.0
device = "ar4-1"
outputs = ["power_cut", "beacon"]

[[interlock]]
name = "face-siren"
point = "ch4-1.ch4"
above = 1.0
restore = 1.0
device = "ar4-1"
outputs = ["siren"]

[[warning]]
name = "crest-moving"
point = "gn-1.horizontal"
above = 20.0
restore = 15.0
)",
                                 "s.toml");
    REQUIRE(site.interlocks.size() == 2);
    CHECK(site.interlocks[0].latch);  // a power cut latches by itself
    CHECK_FALSE(site.interlocks[1].latch);
    CHECK(site.interlocks[0].when.level == 1.5);
    CHECK(site.interlocks[0].outputs == std::vector<std::string>{"power_cut", "beacon"});
    REQUIRE(site.warnings.size() == 1);
    CHECK(site.warnings[0].devices == std::vector<std::string>{"gn-1"});  // the point's own device
    const auto* ar4 = find_device(site, "ar4-1");
    REQUIRE(ar4 != nullptr);
    CHECK(ar4->heartbeat_s == 10);
    CHECK(find_device(site, "gn-1")->fast_poll_ms == 10000);
  }

  TEST_CASE("every mistake in the edge tables at once - with line and column") {
    const auto p = problems(BASE + R"(
[[interlock]]
name = "a"
point = "ch4-1.ch5"
above = 1.5
below = 1.0
restore = 1.0
device = "ch4-1"
outputs = ["power_cut"]

[[interlock]]
name = "b"
point = "ch4-9.ch4"
above = 1.0
restore = 1.2
device = "ar4-1"
outputs = ["horn", 3]
latch = false

[[interlock]]
name = "c"
point = "ch4-1.ch4"
above = 1.5
restore = 1.0
device = "ar4-1"
outputs = ["power_cut"]
latch = false
trip_onbad = true

[[warning]]
name = "w"
point = "ch4-1.ch4"
above = 1.0
restore = 0.8
)");
    CHECK(has(p, "s.toml:39:9: interlock[0].point: an XJ-CH4 has no channel \"ch5\" (it has: ch4, temperature)"));
    CHECK(has(p, "interlock[0]: give exactly one of above = LEVEL or below = LEVEL"));
    CHECK(has(p, "interlock[0].device: an XJ-CH4 has no outputs to drive"));
    CHECK(has(p, "interlock[1].point: no device \"ch4-9\" in this site file"));
    CHECK(has(p, "interlock[1].restore: 1.200000 should be at most the level it restores from"));
    CHECK(has(p, "interlock[1].outputs: expected a string, found integer"));
    CHECK(has(p, "interlock[2].latch: a power cut latches"));
    CHECK(has(p, "interlock[2].trip_onbad: unknown key; did you mean \"trip_on_bad\"?"));
    CHECK(has(p, "warning[0].devices: device \"ch4-1\" has no fast_poll_ms and no fast mode"));
  }

  TEST_CASE("an unknown output of a module is named with the ones it has") {
    const auto p = problems(BASE + R"(
[[interlock]]
name = "a"
point = "ch4-1.ch4"
above = 1.0
restore = 1.0
device = "ar4-1"
outputs = ["horn"]
)");
    CHECK(has(p, "interlock[0].outputs: an XJ-AR4 has no output \"horn\" (it has: siren, beacon, power_cut, spare)"));
  }

  TEST_CASE("heartbeat_s belongs to output modules only") {
    auto text = BASE;
    text.replace(text.find("fast_poll_ms = 10000"), 20, "heartbeat_s = 5");
    CHECK(has(problems(text), "bus[1].device[0].heartbeat_s: an XJ-GN1 has no heartbeat"));
  }

  TEST_CASE("a methane interlock takes the standard's figures for its location") {
    for (const auto& f : lookout::firmware::METHANE_STANDARD) {
      CAPTURE(f.name);
      // GIVEN a power cut and a siren that name the location and no figures
      const auto site = parse_site(BASE + R"(
[[interlock]]
name = "cut"
point = "ch4-1.ch4"
location = ")" + std::string(f.name) + R"("
device = "ar4-1"
outputs = ["power_cut"]

[[interlock]]
name = "siren"
point = "ch4-1.ch4"
location = ")" + std::string(f.name) + R"("
device = "ar4-1"
outputs = ["siren"]
)", "s.toml");
      REQUIRE(site.interlocks.size() == 2);
      // THEN the power cut trips at the standard's power-cut line and the siren at its alarm
      // line, both restored below its restore value, with nothing to note
      const auto& cut = site.interlocks[0];
      CHECK(cut.location == f.location);
      CHECK(cut.when.above);
      CHECK(cut.when.level == f.power_cut);
      CHECK(cut.when.restore == f.restore);
      CHECK(cut.latch);
      CHECK(site.interlocks[1].when.level == f.alarm);
      CHECK(site.interlocks[1].when.restore == f.restore);
      CHECK(!site.interlocks[1].latch);
      CHECK(site.notes.empty());
    }
    // the working face's lines, as docs/config.md gives them
    const auto face = parse_site(methane_interlock(R"(["power_cut"])", "location = \"working_face\"\n"), "s.toml");
    CHECK(face.interlocks[0].when.level == 1.5);
    CHECK(face.interlocks[0].when.restore == 1.0);
  }

  TEST_CASE("figures looser than the standard are errors at their line") {
    // GIVEN a working-face power cut at 2.0 restored below 1.2 (the standard: 1.5, 1.0)
    const auto p = problems(methane_interlock(R"(["power_cut"])", "location = \"working_face\"\nabove = 2.0\nrestore = 1.2\n"));
    CHECK(has(p, "s.toml:43:9: interlock[0].above: 2 %CH4 is past the standard's power cut at 1.5 %CH4 for "
                 "working_face (docs/rules.md, coal-mine methane): at most 1.5, or leave above out to take it"));
    CHECK(has(p, "s.toml:44:11: interlock[0].restore: 1.2 %CH4 is past the standard's restore below 1 %CH4 for "
                 "working_face (docs/rules.md, coal-mine methane): at most 1, or leave restore out to take it"));
    // AND a siren at a return airway sounding at 1.2 (its alarm: 1.0)
    CHECK(has(problems(methane_interlock(R"(["siren"])", "location = \"return_airway\"\nabove = 1.2\n")),
              "interlock[0].above: 1.2 %CH4 is past the standard's alarm at 1 %CH4 for return_airway"));
  }

  TEST_CASE("figures stricter than the standard are allowed with a note at their line") {
    // GIVEN a working-face power cut at 1.2 restored below 0.8
    const auto site = parse_site(
        methane_interlock(R"(["power_cut"])", "location = \"working_face\"\nabove = 1.2\nrestore = 0.8\n"), "s.toml");
    CHECK(site.interlocks[0].when.level == 1.2);
    CHECK(site.interlocks[0].when.restore == 0.8);
    const auto notes = notes_of(site);
    REQUIRE(notes.size() == 2);
    CHECK(notes[0] == "s.toml:43:9: interlock[0].above: 1.2 %CH4 is below the standard's power cut at 1.5 %CH4 for "
                      "working_face (docs/rules.md, coal-mine methane): stricter, allowed");
    CHECK(notes[1] == "s.toml:44:11: interlock[0].restore: 0.8 %CH4 is below the standard's restore at 1 %CH4 for "
                      "working_face (docs/rules.md, coal-mine methane): stricter, allowed");
    // AND a line below the standard's restore value restores below the line, not above it
    const auto early = parse_site(methane_interlock(R"(["siren"])", "location = \"working_face\"\nabove = 0.8\n"), "s.toml");
    CHECK(early.interlocks[0].when.level == 0.8);
    CHECK(early.interlocks[0].when.restore == 0.8);
  }

  TEST_CASE("a methane interlock without location is noted and a location is checked") {
    // GIVEN the figures and no location
    const auto site = parse_site(methane_interlock(R"(["power_cut"])", "above = 1.5\nrestore = 1.0\n"), "s.toml");
    REQUIRE(site.notes.size() == 1);
    CHECK(site.notes[0].str() == "s.toml:37:1: interlock[0]: a methane interlock without location: its figures are "
                                 "not checked against the standard; name its location (one of working_face, "
                                 "return_airway, intake_airway, drainage_roadway)");
    // AND an unknown location, a location on a temperature, a location with below
    CHECK(has(problems(methane_interlock(R"(["siren"])", "location = \"upper_corner\"\n")),
              "s.toml:42:12: interlock[0].location: \"upper_corner\" is not one of working_face, return_airway, "
              "intake_airway, drainage_roadway"));
    auto temperature = methane_interlock(R"(["siren"])", "location = \"working_face\"\n");
    temperature.replace(temperature.find("point = \"ch4-1.ch4\""), 19, "point = \"ch4-1.temperature\"");
    CHECK(has(problems(temperature), "interlock[0].location: a methane location, but ch4-1.temperature measures temperature"));
    CHECK(has(problems(methane_interlock(R"(["siren"])", "location = \"working_face\"\nbelow = 0.5\n")),
              "s.toml:43:9: interlock[0].below: a methane line is crossed upwards"));
    // AND without location or figures the figures are still required
    CHECK(has(problems(methane_interlock(R"(["siren"])", "")), "interlock[0]: give exactly one of above = LEVEL or below = LEVEL"));
  }
}
