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

namespace {

const char* RULES = R"([mqtt]
uri = "tcp://127.0.0.1:1883"
[storage]
path = "x.db"

[[threshold]]
site = "xiangtan"
quantity = "water_level"
unit = "m"
warning = 38.0
guarantee = 39.5
on_delay_s = 60
off_delay_s = 30

[[threshold]]
site = "mine-1"
quantity = "methane"
unit = "%CH4"
above = { orange = 0.8, red = 1.2 }
latch = "normal"

[[rate]]
quantity = "displacement_horizontal"
enterprise = "e"
unit = "mm"
window_h = 12
per = "d"
above = { yellow = 4, red = 15 }
accelerating_from = "red"

[[rate]]
quantity = "water_level"
site = "lake"
enabled = false

[[tangent_angle]]
site = "slope-1"
point = "gn-1.horizontal"
quantity = "displacement_horizontal"
unit = "mm"
uniform_rate = 1.5
angles = { yellow = 50, orange = 80, red = 86 }

[[accumulation]]
quantity = "rain"
unit = "mm"
window_h = 1
above = { yellow = 30 }

[[accumulation]]
site = "hills"
quantity = "rain"
unit = "mm"
window_h = 24
above = { yellow = 40, red = 100 }

[[comm_loss]]
multiple = 4
level = "orange"

[[comm_loss]]
site = "mine-1"
poll_period_s = 10

[sensor_fault]
level = "blue"

[rollup]
blue_make_yellow = 5

[retention]
raw_days = 30
hourly_days = 365

[[derived]]
enterprise = "e"
site = "dam-1"
point = "dam.freeboard"
kind = "freeboard"
inputs = ["rl-1.level", "rl-2.level"]
elevation = 250.0
design_min = 0.7

[[derived]]
enterprise = "e"
site = "dam-1"
point = "vw-1.phreatic"
kind = "phreatic_depth"
inputs = ["vw-1.ch1_piezometric_level"]
elevation = 110.0
design_min = 5.0
yellow = 6.0
blue = 6.5
)";

}  // namespace

TEST_SUITE("aggregator.config") {
  TEST_CASE("overrides of every rule kind by enterprise - site and point") {
    const auto c = parse_aggregator_config(RULES, "a.toml");
    // a hydrology station's warning and guarantee levels give four lines and ISA delays
    auto p = point_rules_for(c, "e", "xiangtan", "rl-1.level", "water_level");
    REQUIRE(p.threshold);
    CHECK(p.threshold->rule.above.size() == 4);
    CHECK(level_of(p.threshold->rule, 38.0, Level::normal) == Level::yellow);
    CHECK(level_of(p.threshold->rule, 40.0, Level::normal) == Level::red);
    CHECK(p.threshold->delays.on_ms == 60'000);
    CHECK(p.threshold->delays.off_ms == 30'000);
    CHECK(p.rate);  // the built-in water rise stays
    CHECK(!point_rules_for(c, "e", "lake", "rl-1.level", "water_level").rate);  // disabled
    // methane: a site's own lines, and its latch taken off
    p = point_rules_for(c, "e", "mine-1", "ch4-1.ch4", "methane");
    CHECK(p.threshold->rule.name == "config.methane");
    CHECK(p.threshold->latch_at == Level::normal);
    CHECK(point_rules_for(c, "e", "mine-2", "ch4-1.ch4", "methane").threshold->latch_at == Level::red);
    // rate: enterprise e only
    p = point_rules_for(c, "e", "any", "gn-1.horizontal", "displacement_horizontal");
    CHECK(p.rate->window_ms == 12 * HOUR_MS);
    CHECK(p.rate->min_span_ms == 6 * HOUR_MS);
    CHECK(p.rate->accelerating_from == Level::red);
    CHECK(p.rate->lines.above.front().level == Level::red);
    CHECK(point_rules_for(c, "f", "any", "gn-1.horizontal", "displacement_horizontal").rate->name ==
          "default.displacement_rate");
    // tangent angle on one point
    p = point_rules_for(c, "e", "slope-1", "gn-1.horizontal", "displacement_horizontal");
    REQUIRE(p.tangent_angle);
    CHECK(p.tangent_angle->uniform_rate == 1.5);
    CHECK(level_of(p.tangent_angle->lines, 85.5, Level::normal) == Level::orange);
    CHECK(!point_rules_for(c, "e", "slope-1", "gn-2.horizontal", "displacement_horizontal").tangent_angle);
    // accumulation: 1 h added everywhere; 24 h replaced on "hills" only
    p = point_rules_for(c, "e", "hills", "rg-1.rain", "rain");
    REQUIRE(p.accumulations.size() == 2);
    CHECK(p.accumulations[0].window_ms == HOUR_MS);
    CHECK(p.accumulations[1].name == "config.accumulation.rain.24h");
    CHECK(point_rules_for(c, "e", "plain", "rg-1.rain", "rain").accumulations[1].name == "default.rain_24h");
    // comm loss field by field: multiple and level from everywhere, period from the site
    p = point_rules_for(c, "e", "mine-1", "gd-1.gas", "h2s");
    CHECK(p.comm.multiple == 4);
    CHECK(p.comm.level == Level::orange);
    CHECK(p.comm.period_ms == 10'000);
    CHECK(!point_rules_for(c, "e", "mine-2", "gd-1.gas", "h2s").comm.period_ms);
    CHECK(p.fault.level == Level::blue);
    CHECK(c.rollup.blue_make_yellow == 5);
    CHECK(c.rollup.yellow_make_orange == 3);
    CHECK(c.retention.raw_days == 30);
    CHECK(c.retention.hourly_days == 365);
    // derived points with their installation records
    REQUIRE(c.derived.size() == 2);
    CHECK(c.derived[0].rule.inputs.size() == 2);
    CHECK(level_of(c.derived[0].rule.lines, 0.6, Level::normal) == Level::red);
    CHECK(level_of(c.derived[1].rule.lines, 5.4, Level::normal) == Level::orange);
    CHECK(level_of(c.derived[1].rule.lines, 6.4, Level::normal) == Level::blue);
  }

  TEST_CASE("mistakes in rule overrides are reported with line and column") {
    const std::string text = R"([mqtt]
uri = "tcp://127.0.0.1:1883"
[storage]
path = "x.db"
[[rate]]
quantity = "crack_opening"
unit = "mm"
per = "week"
above = { yellow = 3 }
[[tangent_angle]]
quantity = "displacement_horizontal"
unit = "mm"
uniform_rate = 0
[[comm_loss]]
multipel = 3
level = "purple"
[[derived]]
enterprise = "e"
site = "s"
point = "dam.beach"
kind = "beach"
inputs = ["ok.x", 5]
elevation = 250.0
[retention]
raw_days = 0
[[threshold]]
quantity = "h2s"
unit = "ppm"
above = { red = 10 }
on_delay_s = 30
)";
    try {
      parse_aggregator_config(text, "b.toml");
      FAIL("expected errors");
    } catch (const lookout::config::ConfigErrors& e) {
      std::string all;
      for (const auto& i : e.issues()) all += i.str() + "\n";
      CAPTURE(all);
      CHECK(all.find("b.toml:8:7: rate[0].per: \"week\" is not") != std::string::npos);
      CHECK(all.find("b.toml:13:16: tangent_angle[0].uniform_rate: must be > 0") != std::string::npos);
      CHECK(all.find("b.toml:15:1: comm_loss[0].multipel: unknown key; did you mean \"multiple\"?") !=
            std::string::npos);
      CHECK(all.find("b.toml:16:9: comm_loss[0].level: \"purple\" is not one of blue") != std::string::npos);
      CHECK(all.find("b.toml:21:8: derived[0].kind: \"beach\" is not one of") != std::string::npos);
      CHECK(all.find("b.toml:22:19: derived[0].inputs: each entry must be a point id") != std::string::npos);
      CHECK(all.find("derived[0]: needs design_min") != std::string::npos);
      CHECK(all.find("b.toml:25:12: retention.raw_days") != std::string::npos);
      CHECK(all.find("b.toml:30:14: threshold[0].on_delay_s: a gas alarm (h2s) takes no on-delay") !=
            std::string::npos);
    }
  }

  TEST_CASE("a threshold line at nan or inf - a listen address or broker uri that cannot work - are errors") {
    const std::string bad = R"([mqtt]
uri = "tcp//::"

[http]
listen = "999.1.1.1:8080"

[storage]
path = "x.db"

[[threshold]]
quantity = "h2s"
unit = "ppm"
above = { yellow = 5, orange = nan, red = inf }
)";
    std::vector<std::string> got;
    try {
      parse_aggregator_config(bad, "a.toml");
    } catch (const lookout::config::ConfigErrors& e) {
      for (const auto& i : e.issues()) got.push_back(i.str());
    }
    INFO(doctest::toString(got));
    REQUIRE(got.size() == 4);
    CHECK(got[0] == "a.toml:2:7: mqtt.uri: \"tcp//::\": no scheme: it should look like tcp://host:1883 or "
                    "ssl://host:8883");
    CHECK(got[1] == "a.toml:5:10: http.listen: \"999.1.1.1:8080\": \"999.1.1.1\" is not an IPv4 address (four "
                    "numbers 0-255) (e.g. 127.0.0.1:8080)");
    CHECK(got[2].find("orange: expected a finite number, found nan") != std::string::npos);
    CHECK(got[3].find("red: expected a finite number, found inf") != std::string::npos);
  }
}
