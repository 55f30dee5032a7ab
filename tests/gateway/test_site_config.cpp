#include <doctest/doctest.h>

#include "firmware/config/toml_checker.hpp"
#include "gateway/site_config.hpp"

using namespace lookout::gateway;

namespace {

const char* GOOD = R"(
[gateway]
id = "gw-1"
enterprise = "xj-mine"
site = "mine-1"
data_dir = "state"

[mqtt]
uri = "tcp://127.0.0.1:1883"

[[bus]]
name = "tcp-1"
type = "tcp"
address = "127.0.0.1:1502"
timeout_ms = 300

[[bus.device]]
name = "ch4-1"
model = "XJ-CH4"
unit = 1

[[bus.device]]
name = "gd-1"
model = "XJ-GD100"
unit = 2
poll_ms = 1000
)";

std::vector<std::string> problems(const std::string& text) {
  try {
    parse_site(text, "/sites/s.toml");
  } catch (const lookout::config::ConfigErrors& e) {
    std::vector<std::string> out;
    for (const auto& i : e.issues()) out.push_back(i.str());
    return out;
  }
  return {};
}

}  // namespace

TEST_SUITE("gateway.site_config") {
  TEST_CASE("a good site file") {
    const auto s = parse_site(GOOD, "/sites/s.toml");
    CHECK(s.address.gateway == "gw-1");
    CHECK(s.data_dir == "/sites/state");  // relative to the site file
    REQUIRE(s.buses.size() == 1);
    CHECK(s.buses[0].host == "127.0.0.1");
    CHECK(s.buses[0].port == 1502);
    CHECK(s.buses[0].timeout_ms == 300);
    REQUIRE(s.buses[0].devices.size() == 2);
    CHECK(s.buses[0].devices[0].poll_ms == 2000);  // the sheet's recommendation
    CHECK(s.buses[0].devices[1].poll_ms == 1000);
    CHECK(s.buses[0].devices[1].profile->model == "XJ-GD100");
    CHECK(s.hash.size() == 16);
  }

  TEST_CASE("every problem at once - each with file:line:column") {
    std::string text = GOOD;
    text.replace(text.find("model = \"XJ-GD100\""), 18, "model = \"XJ-GD200\"");
    text.replace(text.find("unit = 2"), 8, "unit = 1");
    text.replace(text.find("timeout_ms"), 10, "timeout_sm");
    const auto p = problems(text);
    REQUIRE(p.size() == 3);
    CHECK(p[0] == "/sites/s.toml:15:1: bus[0].timeout_sm: unknown key; did you mean \"timeout_ms\"?");
    CHECK(p[1].starts_with("/sites/s.toml:24:9: bus[0].device[1].model: unknown model \"XJ-GD200\"; supported: "));
    CHECK(p[2] == "/sites/s.toml:25:8: bus[0].device[1].unit: unit id 1 is used twice on bus \"tcp-1\"");
  }

  TEST_CASE("a mistyped or out-of-range unit id is one error - not also a duplicate") {
    // unit 1 is the default a device gets while its own unit is unreadable: the first
    // device really is unit 1, so a clash with the default would be reported too
    for (const char* bad : {"unit = \"two\"", "unit = 300", "unit = 2.0"}) {
      CAPTURE(bad);
      std::string text = GOOD;
      text.replace(text.find("unit = 2"), 8, bad);
      const auto p = problems(text);
      REQUIRE(p.size() == 1);
      CHECK(p[0].starts_with("/sites/s.toml:25:8: bus[0].device[1].unit: "));
      CHECK(p[0].find("used twice") == std::string::npos);
    }
  }

  TEST_CASE("missing sections and bad values") {
    const auto p = problems("[gateway]\nid = \"gw 1\"\n");
    CHECK(p.size() >= 5);  // bad id, enterprise, site, data_dir, mqtt, bus
    CHECK(p[0].find("gateway.id: \"gw 1\" may hold only") != std::string::npos);
  }

  TEST_CASE("rtu buses get 3.5 character times of silence between frames") {
    std::string text = GOOD;
    text.replace(text.find("type = \"tcp\""), 12, "type = \"rtu\"");
    text.replace(text.find("address = \"127.0.0.1:1502\""), 26, "port = \"/dev/ttyS1\"\nretries = 2");
    const auto s = parse_site(text, "/sites/s.toml");
    CHECK(s.buses[0].type == BusType::rtu);
    CHECK(s.buses[0].device == "/dev/ttyS1");
    CHECK(s.buses[0].retries == 2);
    CHECK(s.buses[0].frame_gap_us == 4011);  // 3.5 x 11 bits at 9600 baud, rounded up: "about 4 ms"
  }

  TEST_CASE("a probe of a silent device waits the bus timeout unless probe_timeout_ms says less") {
    CHECK(parse_site(GOOD, "/sites/s.toml").buses[0].probe_timeout_ms == 300);
    std::string text = GOOD;
    text.replace(text.find("timeout_ms = 300"), 16, "timeout_ms = 300\nprobe_timeout_ms = 120");
    CHECK(parse_site(text, "/sites/s.toml").buses[0].probe_timeout_ms == 120);
    text.replace(text.find("probe_timeout_ms = 120"), 22, "probe_timeout_ms = 5");
    const auto p = problems(text);
    REQUIRE(p.size() == 1);
    CHECK(p[0].find("/sites/s.toml:16:") == 0);
    CHECK(p[0].find("bus[0].probe_timeout_ms") != std::string::npos);
  }

  TEST_CASE("a syntax error is reported - not thrown as something else") {
    const auto p = problems("[gateway\n");
    REQUIRE(p.size() == 1);
    CHECK(p[0].starts_with("/sites/s.toml:1:"));
  }
}

TEST_SUITE("gateway.site_config") {
  TEST_CASE("per-sensor calibration is read and checked against the model") {
    std::string text = GOOD;
    text += "\n[[bus.device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 5\ncalibration = { face_elevation = 102.5 }\n";
    const auto s = parse_site(text, "/sites/s.toml");
    CHECK(s.buses[0].devices[2].options.number("face_elevation") == 102.5);

    std::string missing = GOOD;
    missing += "\n[[bus.device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 5\n";
    const auto p = problems(missing);
    REQUIRE(p.size() == 1);
    INFO(p[0]);
    CHECK(p[0].starts_with("/sites/s.toml:28:1: bus[0].device[2].calibration.face_elevation: XJ-RL80 needs it"));

    std::string wrong = GOOD;
    wrong += "\n[[bus.device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 5\n"
             "calibration = { face_elevation = 102.5, face_elevaton = 1 }\n";
    const auto q = problems(wrong);
    REQUIRE(q.size() == 1);
    CHECK(q[0].find("face_elevaton") != std::string::npos);
  }
}

TEST_SUITE("gateway.site_config") {
  TEST_CASE("an XJ-IN3 segment length in m or in mm - both or neither is an error at its line") {
    const std::string in3 = "\n[[bus.device]]\nname = \"in-1\"\nmodel = \"XJ-IN3\"\nunit = 6\n";
    const std::string in_m = "calibration = { segment_length_m = 0.5, zero_tilt_x = 0.25, zero_tilt_y = 0 }\n";
    const auto s = parse_site(GOOD + in3 + in_m, "/sites/s.toml");
    CHECK(s.buses[0].devices[2].options.number("segment_length_m") == 0.5);

    const auto both = problems(GOOD + in3 + "calibration = { segment_length_m = 0.5, segment_length_mm = 500, "
                                            "zero_tilt_x = 0.25, zero_tilt_y = 0 }\n");
    REQUIRE(both.size() == 1);
    CHECK(both[0] == "/sites/s.toml:32:61: bus[0].device[2].calibration.segment_length_mm: give the segment length "
                     "once, as segment_length_m [m] or as segment_length_mm [mm], not both");
    const auto neither = problems(GOOD + in3);
    REQUIRE(neither.size() == 1);
    CHECK(neither[0] == "/sites/s.toml:28:1: bus[0].device[2].calibration: an XJ-IN3 needs its segment length L "
                        "from the installation record: segment_length_m [m] (e.g. 0.5) or segment_length_mm [mm] "
                        "(e.g. 500)");
  }

  TEST_CASE("broker uris and device addresses that cannot work are errors at their line") {
    std::string text = GOOD;
    text.replace(text.find("tcp://127.0.0.1:1883"), 20, "tcp//::");
    text.replace(text.find("127.0.0.1:1502"), 14, "[::1:502");
    CHECK(problems(text) == std::vector<std::string>{
                                "/sites/s.toml:9:7: mqtt.uri: \"tcp//::\": no scheme: it should look like "
                                "tcp://host:1883 or ssl://host:8883",
                                "/sites/s.toml:14:11: bus[0].address: \"[::1:502\": an IPv6 address needs its closing ] "
                                "(e.g. [::1]:502)"});
    text = GOOD;
    text.replace(text.find("tcp://127.0.0.1:1883"), 20, "tcp://127.0.0.1:99999");
    text.replace(text.find("127.0.0.1:1502"), 14, "999.1.1.1:502");
    CHECK(problems(text) == std::vector<std::string>{
                                "/sites/s.toml:9:7: mqtt.uri: \"tcp://127.0.0.1:99999\": port 99999 is above 65535",
                                "/sites/s.toml:14:11: bus[0].address: \"999.1.1.1:502\": \"999.1.1.1\" is not an IPv4 "
                                "address (four numbers 0-255)"});
    // AND a calibration figure must be finite too
    text = GOOD;
    text += "calibration = { face_elevation = nan }\n";
    text.replace(text.find("model = \"XJ-GD100\""), 18, "model = \"XJ-RL80\"");
    const auto p = problems(text);
    REQUIRE(!p.empty());
    INFO(p[0]);
    CHECK(p[0].find("/sites/s.toml:27:34: bus[0].device[1].calibration.face_elevation: expected a finite number, "
                    "found nan") == 0);
  }
}
