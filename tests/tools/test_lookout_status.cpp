// `lookout status` (tools/lookout/status.cpp) against a real aggregator of a whole local
// deployment (tests/support/Deployment: Mosquitto, lookout-sim, a gateway, the aggregator):
// the points table shows each point's gateway, value, quality, level, time and age; a site
// out of contact is never shown as normal; texts follow LANG; the token decides which sites
// show; a refused token, an absent aggregator and a bad command line have their exit statuses.
#include <doctest/doctest.h>

#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

/// The words of each line of the table under the line `title`, up to the next blank line;
/// the first row is the header.
std::vector<std::vector<std::string>> table(const std::string& out, const std::string& title) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(out);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (!inside) {
      inside = line == title;
      continue;
    }
    if (line.empty()) break;
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string w; words >> w;) row.push_back(w);
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::vector<std::string>> points(const std::string& out) { return table(out, "Points"); }

/// `lookout status ARGS` in the locale `lang` (LC_ALL and LC_MESSAGES unset: LANG decides).
CommandResult status_in(const std::string& lang, std::vector<std::string> args) {
  std::vector<std::string> argv{"env", "-u", "LC_ALL", "-u", "LC_MESSAGES", "LANG=" + lang, bin("lookout"), "status"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

CommandResult status_en(std::vector<std::string> args) { return status_in("en_US.UTF-8", std::move(args)); }

const std::vector<std::string> HEADER{"enterprise", "site",   "point", "gateway", "quantity", "value", "unit",
                                      "quality",    "status", "level", "time",    "age",      "alarms"};

/// A points row without its time and age (columns 10 and 11), which CHECKs look like a
/// clock time today and an age.
std::vector<std::string> without_time(std::vector<std::string> row) {
  if (row.size() != HEADER.size()) return row;
  CHECK_MESSAGE(std::regex_match(row[10], std::regex(R"(\d\d:\d\d:\d\d)")), row[10]);
  CHECK_MESSAGE(std::regex_match(row[11], std::regex(R"(\d+s|\d+m\d\ds)")), row[11]);
  row.erase(row.begin() + 10, row.begin() + 12);
  return row;
}

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

    // WHEN an engineer asks THEN every point, one row each, with its gateway, value, unit,
    // quality, status, level, time and age
    auto r = status_en({"--api", api, "--token", d.token});
    CHECK_MESSAGE(r.status == 0, r.err);
    INFO(r.out);
    auto rows = points(r.out);
    REQUIRE(rows.size() == 4);  // the header, ch4-1.ch4, ch4-1.temperature, gd-1.gas
    CHECK(rows[0] == HEADER);
    const auto row = [&](const std::string& point) {
      for (const auto& w : rows) {
        if (w.size() > 2 && w[2] == point) return without_time(w);
      }
      return std::vector<std::string>{};
    };
    CHECK(row("ch4-1.ch4") == std::vector<std::string>{"xj-mine", "mine-1", "ch4-1.ch4", "gw-1", "methane", "1.2",
                                                       "%CH4", "good", "ok", "orange", "threshold:orange"});
    // no rule judges the temperature: no level, and a legend says why
    CHECK(row("ch4-1.temperature") == std::vector<std::string>{"xj-mine", "mine-1", "ch4-1.temperature", "gw-1",
                                                               "temperature", "20", "degC", "good", "ok", "-", "-"});
    CHECK(r.out.find("\nlevel -: no rule judges this point") != std::string::npos);
    // AND its quantity has no level at the site either: nothing judges it
    CHECK_MESSAGE(std::regex_search(r.out, std::regex(R"(xj-mine +mine-1 +temperature +- +\(no rule judges its 1 point\))")),
                  r.out);
    CHECK(row("gd-1.gas") == std::vector<std::string>{"xj-mine", "mine-1", "gd-1.gas", "gw-1", "h2s", "-", "ppm", "bad",
                                                      "calibration", "normal",
                                                      "-"});  // calibration is maintenance, not a sensor fault
    // AND the gateway is online, last seen moments ago
    const auto gateways = table(r.out, "Gateways");
    REQUIRE(gateways.size() == 2);
    CHECK(gateways[0] == std::vector<std::string>{"enterprise", "site", "gateway", "state", "last_seen", "age", "fault"});
    CHECK(gateways[1].size() == 7);
    CHECK(gateways[1].back() == "-");
    CHECK(std::vector<std::string>(gateways[1].begin(), gateways[1].begin() + 4) ==
          std::vector<std::string>{"xj-mine", "mine-1", "gw-1", "online"});

    // AND the token from $LOOKOUT_TOKEN, the address as host:port, one site
    r = run_command({"env", "-u", "LC_ALL", "-u", "LC_MESSAGES", "LANG=en_US.UTF-8", "LOOKOUT_TOKEN=" + d.token,
                     bin("lookout"), "status", "--api", "127.0.0.1:" + std::to_string(d.http_port), "--site",
                     "mine-1"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(points(r.out).size() == 4);
    r = status_en({"--api", api, "--token", d.token, "--site", "mine-2"});
    CHECK(r.status == 0);
    CHECK(points(r.out) == std::vector<std::vector<std::string>>{HEADER});

    // WHEN a Zhuzhou regulator asks THEN the site (430211) shows; a Guangzhou one sees none
    const auto zhuzhou = d.create_token("regulator", "zhuzhou", {"--division", "4302"});
    const auto guangzhou = d.create_token("regulator", "guangzhou", {"--division", "4401"});
    r = status_en({"--api", api, "--token", zhuzhou});
    CHECK(r.status == 0);
    CHECK(points(r.out).size() == 4);
    r = status_en({"--api", api, "--token", guangzhou});
    CHECK(r.status == 0);
    CHECK(points(r.out) == std::vector<std::vector<std::string>>{HEADER});

    // WHEN the methane clears THEN the table says normal
    d.sim_set("ch4-1", "ch4", "0.4");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["level"] == "normal"; }));
    r = status_en({"--api", api, "--token", d.token});
    INFO(r.out);
    rows = points(r.out);
    CHECK(row("ch4-1.ch4") == std::vector<std::string>{"xj-mine", "mine-1", "ch4-1.ch4", "gw-1", "methane", "0.4",
                                                       "%CH4", "good", "ok", "normal",
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
      CHECK(r.err.starts_with("lookout status: "));
      CHECK(r.err.find("\nusage: lookout status [--api http://127.0.0.1:8080] [--token TOKEN] [--site SITE]\n") !=
            std::string::npos);
    }
  }

  TEST_CASE("lookout status shows the site and quantity levels and each point's alarm kinds") {
    Deployment d;
    // GIVEN methane at 1.20 %CH4 (orange at the working face)
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["level"] == "orange"; }));
    const std::string api = "http://127.0.0.1:" + std::to_string(d.http_port);
    const auto r = status_en({"--api", api, "--token", d.token});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    INFO(r.out);
    // THEN the site is orange, from methane; and the point's threshold alarm is named
    CHECK(std::regex_search(r.out, std::regex(R"(xj-mine +mine-1 +\(site\) +orange *\n)")));
    CHECK(std::regex_search(r.out, std::regex(R"(xj-mine +mine-1 +methane +orange +\(highest point orange, 1 point\))")));
    CHECK(std::regex_search(r.out, std::regex(R"(mine-1 +ch4-1\.ch4 +gw-1 +methane +1\.2 .* orange .* threshold:orange\n)")));
    // AND a point with no standing alarm shows none
    CHECK(std::regex_search(r.out, std::regex(R"(gd-1\.gas .* normal .* -\n)")));
    // AND --site narrows every table
    const auto other = status_en({"--api", api, "--token", d.token, "--site", "other"});
    REQUIRE(other.status == 0);
    CHECK(other.out.find("xj-mine") == std::string::npos);
    // AND a bad token is refused with the API's answer
    const auto bad = status_en({"--api", api, "--token", "lk_nope"});
    CHECK(bad.status == 1);
    CHECK(bad.err.find("401") != std::string::npos);
  }

  TEST_CASE("a site whose gateway stopped is out of contact - never normal - in English and Chinese") {
    Deployment d;
    const std::string api = "http://127.0.0.1:" + std::to_string(d.http_port);
    REQUIRE(d.wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["level"] == "normal"; }));
    auto r = status_en({"--api", api, "--token", d.token});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK_MESSAGE(std::regex_search(r.out, std::regex(R"(xj-mine +mine-1 +\(site\) +normal *\n)")), r.out);

    // WHEN the gateway stops and the aggregator knows it is offline
    REQUIRE(d.gateway->stop() == 0);
    d.gateway.reset();
    REQUIRE(eventually(
        [&] {
          const auto g = http_request(d.http_port, "GET", "/api/v1/gateways", "", d.token);
          const auto j = nlohmann::json::parse(g.body, nullptr, false);
          return g.status == 200 && j.contains("gateways") && j["gateways"].size() == 1 &&
                 j["gateways"][0]["online"] == false;
        },
        HUNG_RUN));

    // THEN the site is not normal but out of contact, saying which gateway and since when
    r = status_en({"--api", api, "--token", d.token});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    INFO(r.out);
    CHECK(std::regex_search(
        r.out, std::regex(R"(xj-mine +mine-1 +\(site\) +no_contact +out of contact: gateway gw-1 offline since )"
                          R"(\d\d:\d\d:\d\d \((\d+s|\d+m\d\ds) ago\))")));
    CHECK(!std::regex_search(r.out, std::regex(R"(\(site\) +normal)")));
    CHECK(std::regex_search(r.out, std::regex(R"(xj-mine +mine-1 +gw-1 +offline +\d\d:\d\d:\d\d +(\d+s|\d+m\d\ds) +- *\n)")));

    // AND in Chinese with LANG=zh_CN.UTF-8, and by default (C.UTF-8)
    for (const std::string lang : {"zh_CN.UTF-8", "C.UTF-8"}) {
      r = status_in(lang, {"--api", api, "--token", d.token});
      REQUIRE_MESSAGE(r.status == 0, r.err);
      INFO(lang << ":\n" << r.out);
      CHECK(r.out.starts_with("站点\n"));
      CHECK(r.out.find("\n网关\n") != std::string::npos);
      CHECK(r.out.find("\n测点\n") != std::string::npos);
      CHECK(std::regex_search(r.out, std::regex(R"(xj-mine +mine-1 +（站点） +失联 +失联：网关 gw-1 离线，最后通信 )")));
      CHECK(std::regex_search(r.out, std::regex(R"(gw-1 +离线 )")));
      CHECK(!std::regex_search(r.out, std::regex(R"(（站点） +正常)")));
    }
  }
}
