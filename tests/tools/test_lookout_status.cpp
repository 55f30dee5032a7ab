// `lookout status` (tools/lookout/status.cpp) against a real aggregator of a whole local
// deployment (tests/support/Deployment: Mosquitto, lookout-sim, a gateway, the aggregator):
// the table shows each point's value and level; the token decides which sites show; a
// refused token, an absent aggregator and a bad command line have their exit statuses.
#include <doctest/doctest.h>

#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

/// The words of each line of the points table: the one after the roll-up and a blank line.
std::vector<std::vector<std::string>> table(const std::string& out) {
  std::vector<std::vector<std::string>> rows;
  const auto blank = out.find("\n\n");
  std::istringstream in(blank == std::string::npos ? out : out.substr(blank + 2));
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string w; words >> w;) row.push_back(w);
    rows.push_back(row);
  }
  return rows;
}

const std::vector<std::string> HEADER{"enterprise", "site",   "point", "quantity", "value", "unit",
                                      "quality",    "status", "level", "alarms"};

}  // namespace

TEST_SUITE("lookout.status") {
  TEST_CASE("status against a running aggregator - values and levels - scoped by the token") {
    Deployment d;
    // GIVEN methane past the working-face alarm line and H2S in calibration mode
    d.sim_set("ch4-1", "ch4", "1.2");
    d.sim_set("gd-1", "mode", "calibration");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["level"] == "orange"; }));
    REQUIRE(d.wait_status("gd-1.gas", [](const nlohmann::json& p) { return p["quality"] == "bad"; }));
    const std::string api = "http://127.0.0.1:" + std::to_string(d.http_port);

    // WHEN an engineer asks THEN every point, one row each, with value, unit, quality and level
    auto r = run_command({bin("lookout"), "status", "--api", api, "--token", d.token});
    CHECK_MESSAGE(r.status == 0, r.err);
    INFO(r.out);
    auto rows = table(r.out);
    REQUIRE(rows.size() == 4);  // the header, ch4-1.ch4, ch4-1.temperature, gd-1.gas
    CHECK(rows[0] == HEADER);
    const auto row = [&](const std::string& point) {
      for (const auto& w : rows) {
        if (w.size() > 2 && w[2] == point) return w;
      }
      return std::vector<std::string>{};
    };
    CHECK(row("ch4-1.ch4") ==
          std::vector<std::string>{"xj-mine", "mine-1", "ch4-1.ch4", "methane", "1.2", "%CH4", "good", "orange",
                                   "threshold:orange"});
    CHECK(row("ch4-1.temperature") == std::vector<std::string>{"xj-mine", "mine-1", "ch4-1.temperature",
                                                               "temperature", "20", "degC", "good", "normal", "-"});
    CHECK(row("gd-1.gas") ==
          std::vector<std::string>{"xj-mine", "mine-1", "gd-1.gas", "h2s", "-", "ppm", "bad", "calibration", "normal",
                                   "-"});  // calibration is maintenance, not a sensor fault

    // AND the token from $LOOKOUT_TOKEN, the address as host:port, one site
    r = run_command({"env", "LOOKOUT_TOKEN=" + d.token, bin("lookout"), "status", "--api",
                     "127.0.0.1:" + std::to_string(d.http_port), "--site", "mine-1"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(table(r.out).size() == 4);
    r = run_command({bin("lookout"), "status", "--api", api, "--token", d.token, "--site", "mine-2"});
    CHECK(r.status == 0);
    CHECK(table(r.out) == std::vector<std::vector<std::string>>{HEADER});

    // WHEN a Zhuzhou regulator asks THEN the site (430211) shows; a Guangzhou one sees none
    const auto zhuzhou = d.create_token("regulator", "zhuzhou", {"--division", "4302"});
    const auto guangzhou = d.create_token("regulator", "guangzhou", {"--division", "4401"});
    r = run_command({bin("lookout"), "status", "--api", api, "--token", zhuzhou});
    CHECK(r.status == 0);
    CHECK(table(r.out).size() == 4);
    r = run_command({bin("lookout"), "status", "--api", api, "--token", guangzhou});
    CHECK(r.status == 0);
    CHECK(table(r.out) == std::vector<std::vector<std::string>>{HEADER});

    // WHEN the methane clears THEN the table says normal
    d.sim_set("ch4-1", "ch4", "0.4");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["level"] == "normal"; }));
    r = run_command({bin("lookout"), "status", "--api", api, "--token", d.token});
    INFO(r.out);
    rows = table(r.out);
    CHECK(row("ch4-1.ch4") ==
          std::vector<std::string>{"xj-mine", "mine-1", "ch4-1.ch4", "methane", "0.4", "%CH4", "good", "normal",
                                   "threshold:returned"});  // back to normal, not yet acknowledged

    // WHEN the token is missing or wrong THEN the aggregator's 401 and exit 1
    r = run_command({"env", "-u", "LOOKOUT_TOKEN", bin("lookout"), "status", "--api", api});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    INFO(r.err);
    CHECK(r.err.find("lookout status: 127.0.0.1:" + std::to_string(d.http_port) + "/api/v1/status answered 401") !=
          std::string::npos);
    r = run_command({bin("lookout"), "status", "--api", api, "--token", "lk_not-a-token"});
    CHECK(r.status == 1);
    CHECK(r.err.find("answered 401") != std::string::npos);
  }

  TEST_CASE("status - no aggregator exits 1 and a bad command line exits 2") {
    const int closed = free_port();
    auto r = run_command({bin("lookout"), "status", "--api", "127.0.0.1:" + std::to_string(closed), "--token", "x"});
    CHECK(r.status == 1);
    CHECK(r.err.starts_with("lookout status: 127.0.0.1:" + std::to_string(closed) + ": connect:"));
    for (const auto& args : std::vector<std::vector<std::string>>{{"--bogus"}, {"--api"}, {"--token"}, {"extra"}}) {
      std::vector<std::string> argv{bin("lookout"), "status"};
      argv.insert(argv.end(), args.begin(), args.end());
      r = run_command(argv);
      CHECK(r.status == 2);
      CHECK(r.err.starts_with("usage: lookout status [--api http://127.0.0.1:8080] [--token TOKEN] [--site SITE]\n"));
    }
  }

  TEST_CASE("lookout status shows the site and quantity levels and each point's alarm kinds") {
    Deployment d;
    // GIVEN methane at 1.20 %CH4 (orange at the working face)
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["level"] == "orange"; }));
    const std::string api = "http://127.0.0.1:" + std::to_string(d.http_port);
    const auto r = run_command({bin("lookout"), "status", "--api", api, "--token", d.token});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    INFO(r.out);
    // THEN the site is orange, from methane; and the point's threshold alarm is named
    CHECK(std::regex_search(r.out, std::regex(R"(xj-mine +mine-1 +\(site\) +orange)")));
    CHECK(std::regex_search(r.out, std::regex(R"(xj-mine +mine-1 +methane +orange +\(highest point orange, 1 point\))")));
    CHECK(std::regex_search(r.out, std::regex(R"(mine-1 +ch4-1\.ch4 +methane +1\.2 .* orange +threshold:orange\n)")));
    // AND a point with no standing alarm shows none
    CHECK(std::regex_search(r.out, std::regex(R"(ch4-1\.temperature .* normal +-\n)")));
    // AND --site narrows both tables
    const auto other = run_command({bin("lookout"), "status", "--api", api, "--token", d.token, "--site", "other"});
    REQUIRE(other.status == 0);
    CHECK(other.out.find("xj-mine") == std::string::npos);
    // AND a bad token is refused with the API's answer
    const auto bad = run_command({bin("lookout"), "status", "--api", api, "--token", "lk_nope"});
    CHECK(bad.status == 1);
    CHECK(bad.err.find("401") != std::string::npos);
  }
}
