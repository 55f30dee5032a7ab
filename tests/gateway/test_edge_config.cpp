// The site file's [[interlock]] and [[warning]] tables (docs/config.md "Edge safety").
#include <doctest/doctest.h>

#include <algorithm>

#include "firmware/config/toml_checker.hpp"
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
}
