// tools/lookout/status_view: what `lookout status` prints from the aggregator's answers.
// The answers here are written as the API documents them (docs/api.md); the whole command
// against a running aggregator is tested in test_lookout_status.cpp.
#include <doctest/doctest.h>

#include <regex>

#include "tools/lookout/status_view.hpp"

using namespace lookout::cli;
using nlohmann::json;

namespace {

// 2026-12-03 06:00:00 UTC, 14:00:00 in Beijing.
constexpr std::int64_t NOW = 1796277600000;

/// A dam site whose gateway went quiet 95 s ago: every point is in comm loss, and the site
/// rolls up normal from its process alarms (comm loss is not one).
StatusInput dam_out_of_contact(Lang lang) {
  StatusInput in;
  in.lang = lang;
  in.utc_offset_min = 8 * 60;
  in.status = json::parse(R"({"generated": 1796277600000,
    "sites": [{"enterprise": "zz-mining", "site": "dam-1", "level": "normal",
               "quantities": [{"quantity": "phreatic_depth", "level": "normal", "highest_point_level": "normal", "points": 1}]}],
    "points": [
      {"enterprise": "zz-mining", "site": "dam-1", "point": "vw-1.ch1_phreatic_depth", "gateway": "gw-1",
       "quantity": "phreatic_depth", "value": 5.2, "unit": "m", "ts": 1796277505000, "quality": "good",
       "level": "normal", "derived": false, "judged": false},
      {"enterprise": "zz-mining", "site": "dam-1", "point": "dam.phreatic_depth", "gateway": "",
       "quantity": "phreatic_depth", "value": 5.2, "unit": "m", "ts": 1796277505000, "quality": "good",
       "level": "red", "derived": true, "judged": true}]})");
  in.alarms = json::parse(R"({"alarms": [
      {"enterprise": "zz-mining", "site": "dam-1", "point": "vw-1.ch1_phreatic_depth", "kind": "comm_loss",
       "level": "yellow", "state": "active_unacknowledged"},
      {"enterprise": "zz-mining", "site": "dam-1", "point": "dam.phreatic_depth", "kind": "derived",
       "level": "red", "state": "active_unacknowledged"}]})");
  in.gateways = json::parse(R"({"gateways": [
      {"enterprise": "zz-mining", "site": "dam-1", "gateway": "gw-1", "online": false, "last_seen": 1796277505000}]})");
  return in;
}

}  // namespace

TEST_SUITE("lookout.status_view") {
  TEST_CASE("a site out of contact is never shown as normal - and says which gateway and since when") {
    const auto out = render_status(dam_out_of_contact(Lang::en));
    INFO(out);
    CHECK(std::regex_search(
        out, std::regex(R"(zz-mining +dam-1 +\(site\) +no_contact +out of contact: gateway gw-1 offline since 13:58:25 \(1m35s ago\), 1 point lost contact\n)")));
    CHECK(out.find("(site)     normal") == std::string::npos);
    CHECK(std::regex_search(out, std::regex(R"(\nGateways\n.*\nzz-mining +dam-1 +gw-1 +offline +13:58:25 +1m35s +-\n)")));

    // WHEN the gateway is back and nothing is lost THEN the site is normal again, no note
    auto in = dam_out_of_contact(Lang::en);
    in.gateways["gateways"][0]["online"] = true;
    in.alarms["alarms"].erase(0);
    const auto back = render_status(in);
    INFO(back);
    CHECK(std::regex_search(back, std::regex(R"(zz-mining +dam-1 +\(site\) +normal\n)")));
  }

  TEST_CASE("a gateway whose disk is full shows it - with the readings it holds and has dropped") {
    auto in = dam_out_of_contact(Lang::en);
    in.gateways["gateways"][0]["online"] = true;
    in.gateways["gateways"][0]["status"] = json::parse(
        R"({"v": 1, "gateway": "gw-1", "online": true, "storage": {"fault": "disk_full", "held": 412,
            "held_max": 100000, "dropped": 3, "latched_saved": false, "error": "full", "since": 1796277500000}})");
    auto out = render_status(in);
    INFO(out);
    CHECK(std::regex_search(out, std::regex(R"(\nGateways\n.*\nzz-mining +dam-1 +gw-1 +online +13:58:25 +1m35s +disk_full\(412_held,3_dropped\)\n)")));
    in.lang = Lang::zh;
    CHECK(render_status(in).find("磁盘已满（412条暂存，3条丢弃）") != std::string::npos);
    // AND no fault: "-"
    in.lang = Lang::en;
    in.gateways["gateways"][0]["status"]["storage"] = json::parse(R"({"fault": "none", "held": 0, "held_max": 100000, "dropped": 3})");
    out = render_status(in);
    CHECK(std::regex_search(out, std::regex(R"(\nzz-mining +dam-1 +gw-1 +online +13:58:25 +1m35s +-\n)")));
  }

  TEST_CASE("a site that is orange and out of contact keeps its level and says it is out of contact") {
    auto in = dam_out_of_contact(Lang::en);
    in.status["sites"][0]["level"] = "orange";
    const auto out = render_status(in);
    CHECK(std::regex_search(out, std::regex(R"(\(site\) +orange +out of contact: gateway gw-1)")));
  }

  TEST_CASE("a raw point no rule judges shows no level beside its derived twin - and the legend says why") {
    const auto out = render_status(dam_out_of_contact(Lang::en));
    INFO(out);
    CHECK(std::regex_search(
        out, std::regex(R"(dam-1 +vw-1\.ch1_phreatic_depth +gw-1 +phreatic_depth +5\.2 +m +good +ok +- +13:58:25 +1m35s +comm_loss:yellow\n)")));
    CHECK(std::regex_search(
        out, std::regex(R"(dam-1 +dam\.phreatic_depth +\(derived\) +phreatic_depth +5\.2 +m +good +ok +red +13:58:25 +1m35s +derived:red\n)")));
    CHECK(out.find("level -: no rule judges this point") != std::string::npos);
  }

  TEST_CASE("every line of a table has its columns at the same place") {
    const auto out = render_status(dam_out_of_contact(Lang::en));
    // The points table: the column "gateway" starts at the same offset in the header and rows.
    const auto table = out.substr(out.find("\nPoints\n") + 8);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < table.size();) {
      const auto nl = table.find('\n', at);
      lines.push_back(table.substr(at, nl - at));
      at = nl + 1;
      if (lines.back().empty()) break;
    }
    REQUIRE(lines.size() >= 3);
    const auto column = lines[0].find("gateway");
    CHECK(lines[1].substr(column, 4) == "gw-1");
    CHECK(lines[2].substr(column, 9) == "(derived)");
  }

  TEST_CASE("Chinese by default - the same tables with Chinese words") {
    const auto out = render_status(dam_out_of_contact(Lang::zh));
    INFO(out);
    CHECK(out.starts_with("站点\n"));
    CHECK(out.find("失联：网关 gw-1 离线，最后通信 13:58:25 (1分35秒前)，1 个测点通信中断") != std::string::npos);
    CHECK(out.find("（站点）") != std::string::npos);
    CHECK(out.find("浸润线埋深") != std::string::npos);
    CHECK(out.find("通信中断:黄色") != std::string::npos);
    CHECK(out.find("派生:红色") != std::string::npos);
    CHECK(out.find("离线") != std::string::npos);
    CHECK(out.find("normal") == std::string::npos);
  }

  TEST_CASE("the language follows LC_ALL then LC_MESSAGES then LANG - Chinese unless English is named") {
    CHECK(lang_from_env(nullptr, nullptr, nullptr) == Lang::zh);
    CHECK(lang_from_env(nullptr, nullptr, "zh_CN.UTF-8") == Lang::zh);
    CHECK(lang_from_env(nullptr, nullptr, "en_US.UTF-8") == Lang::en);
    CHECK(lang_from_env("", "", "en_GB.UTF-8") == Lang::en);
    CHECK(lang_from_env("zh_CN.UTF-8", nullptr, "en_US.UTF-8") == Lang::zh);
    CHECK(lang_from_env(nullptr, "en_US.UTF-8", "zh_CN.UTF-8") == Lang::en);
    CHECK(lang_from_env(nullptr, nullptr, "C.UTF-8") == Lang::zh);
  }

  TEST_CASE("ages are one word in either language") {
    CHECK(age_text(4999, Lang::en) == "4s");
    CHECK(age_text(95000, Lang::en) == "1m35s");
    CHECK(age_text(7500000, Lang::en) == "2h05m");
    CHECK(age_text(3 * 86400000LL + 4 * 3600000LL, Lang::en) == "3d04h");
    CHECK(age_text(95000, Lang::zh) == "1分35秒");
    CHECK(age_text(-5, Lang::en) == "0s");  // a device clock a little ahead
  }
}
