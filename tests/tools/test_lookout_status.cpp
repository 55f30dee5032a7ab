// lookout status against a real aggregator (tests/support/Deployment): the site and
// quantity roll-up, and each point's alarms by rule kind.
#include <doctest/doctest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

TEST_SUITE("tools.lookout_status") {
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
