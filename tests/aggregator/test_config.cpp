#include <doctest/doctest.h>

#include "aggregator/config.hpp"
#include "firmware/config/toml_checker.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

namespace {

const char* GOOD = R"(
[mqtt]
uri = "tcp://127.0.0.1:1883"

[http]
listen = "127.0.0.1:0"

[storage]
path = "data/lookout.db"

[[methane]]
site = "mine-1"
location = "return_airway"

[[methane]]
site = "mine-1"
point = "ch4-9.ch4"
location = "intake_airway"

[[threshold]]
quantity = "h2s"
enterprise = "xj-chem"
unit = "ppm"
above = { orange = 5, red = 10 }
)";

}  // namespace

TEST_SUITE("aggregator.config") {
  TEST_CASE("a good configuration and the rule each point gets") {
    const auto c = parse_aggregator_config(GOOD, "/etc/lookout/aggregator.toml");
    CHECK(c.http_port == 0);
    CHECK(c.database == "/etc/lookout/data/lookout.db");
    CHECK(rule_for(c, "e", "mine-1", "ch4-1.ch4", "methane")->name == "methane.return_airway");
    CHECK(rule_for(c, "e", "mine-1", "ch4-9.ch4", "methane")->name == "methane.intake_airway");
    CHECK(rule_for(c, "e", "mine-2", "ch4-1.ch4", "methane")->name == "methane.working_face");
    const auto h2s = rule_for(c, "xj-chem", "plant-1", "gd-1.gas", "h2s");
    CHECK(h2s->name == "config.h2s");
    CHECK(h2s->above.front().level == Level::red);
    CHECK(rule_for(c, "other", "plant-1", "gd-1.gas", "h2s")->name == "gbt50493.h2s");
    CHECK(!rule_for(c, "e", "s", "p.t", "temperature"));
  }

  TEST_CASE("every error at once with file:line:column") {
    const std::string text = R"([mqtt]
uri = "tcp://127.0.0.1:1883"
[storage]
path = "x.db"
[[methane]]
location = "roof"
[[threshold]]
quantity = "h2s"
unit = "ppm"
above = { orange = 10, red = 5, purple = 1 }
)";
    try {
      parse_aggregator_config(text, "a.toml");
      FAIL("expected errors");
    } catch (const lookout::config::ConfigErrors& e) {
      REQUIRE(e.issues().size() == 3);
      CHECK(e.issues()[0].str().starts_with("a.toml:6:12: methane[0].location: \"roof\" is not one of"));
      CHECK(e.issues()[1].str().starts_with("a.toml:10:"));
      CHECK(e.issues()[1].message.find("purple") != std::string::npos);
      CHECK(e.issues()[2].message.find("threshold[0].above.red") != std::string::npos);
    }
  }

  TEST_CASE("enterprises and their division codes - mistakes at file:line") {
    const std::string good = R"([mqtt]
uri = "tcp://127.0.0.1:1883"
[http]
rate = 5
burst = 10
[storage]
path = "x.db"
[[enterprises]]
id = "xj-mine"
division = "430211"
sites = { "mine-2" = "430223" }
)";
    const auto c = parse_aggregator_config(good, "a.toml");
    REQUIRE(c.enterprises.size() == 1);
    CHECK(c.enterprises[0].division == "430211");
    CHECK(c.enterprises[0].sites == std::vector<std::pair<std::string, std::string>>{{"mine-2", "430223"}});
    CHECK(c.http_rate == 5);
    CHECK(c.http_burst == 10);

    const std::string bad = R"([mqtt]
uri = "tcp://127.0.0.1:1883"
[storage]
path = "x.db"
[[enterprises]]
id = "xj-mine"
division = "4302"
[[enterprises]]
id = "xj-mine"
divison = "430211"
sites = { "mine-2" = 430223 }
)";
    try {
      parse_aggregator_config(bad, "a.toml");
      FAIL("expected errors");
    } catch (const lookout::config::ConfigErrors& e) {
      std::string all;
      for (const auto& i : e.issues()) all += i.str() + "\n";
      CHECK_MESSAGE(all.find("a.toml:7:12: enterprises[0].division: \"4302\" is not a 6-digit") != std::string::npos,
                    all);
      CHECK_MESSAGE(all.find("a.toml:9:6: enterprises[1].id: enterprise \"xj-mine\" is listed twice") !=
                        std::string::npos,
                    all);
      CHECK_MESSAGE(all.find("a.toml:10:1: enterprises[1].divison: unknown key") != std::string::npos, all);
      CHECK_MESSAGE(all.find("enterprises[1].sites.mine-2: must be a 6-digit division code") != std::string::npos,
                    all);
    }
  }
}
