// Notifications over the real deployment (issue #4): Mosquitto, lookout-sim, the gateway
// and the aggregator as processes; a webhook receiver and a command hook on this machine.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.hpp"
#include "tests/support/webhook_receiver.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Delivered webhook bodies that carry `point` at `level`.
std::vector<json> notices_of(WebhookReceiver& rx, const std::string& point, const std::string& level) {
  std::vector<json> out;
  for (const auto& r : rx.delivered()) {
    const auto j = json::parse(r.body, nullptr, false);
    if (j.is_discarded()) continue;
    for (const auto& a : j["alarms"]) {
      if (a["point"] == point && a["level"] == level) out.push_back(j);
    }
  }
  return out;
}

std::string count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return std::to_string(n);
}

}  // namespace

TEST_SUITE("integration.notify") {
  TEST_CASE("a methane alarm and its clear reach a webhook exactly once - after a 500 - and a command hook") {
    WebhookReceiver rx(1);  // the first request is answered 500
    TempDir out;
    const auto sms = out / "sms.txt";
    // The test's program is a shell script (allowed in a test); the aggregator runs it without a shell.
    const std::string toml =
        "[notify]\ngroup_window_s = 1\nrepeat_min = 0\n"
        "[[webhook]]\nurl = \"" + rx.url() + "\"\nmin_level = \"orange\"\nretry_initial_s = 0.3\nretry_max_s = 1\n"
        "[[command_hook]]\ncommand = [\"/bin/sh\", \"-c\", "
        "\"cat >> \\\"$0\\\"; echo \\\"LEVEL=$LOOKOUT_LEVEL TO=$LOOKOUT_RECIPIENT\\\" >> \\\"$0\\\"\", \"" +
        sms.string() + "\"]\nrecipient = \"13800000000\"\nmin_level = \"orange\"\n";
    Deployment d({}, toml);
    // GIVEN 0.40 %CH4
    d.sim_set("ch4-1", "ch4", "0.40");
    REQUIRE(d.wait_status("ch4-1.ch4", [](const json& p) { return p["value"] == 0.4; }));
    // WHEN methane rises to 1.20 % (orange) THEN the webhook gets it, on the second try
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE_MESSAGE(eventually([&] { return !notices_of(rx, "ch4-1.ch4", "orange").empty(); }, std::chrono::seconds(20)),
                    d.aggregator->stderr_text());
    const auto raised = notices_of(rx, "ch4-1.ch4", "orange").front();
    CHECK(raised["site"] == "mine-1");
    CHECK(raised["level"] == "orange");
    const std::string text = raised["text"];
    CHECK_MESSAGE(text.find("【橙色预警】xj-mine mine-1 ch4-1.ch4（甲烷）1.2 %CH4，") == 0, text);
    CHECK_MESSAGE(text.find(" +08:00") != std::string::npos, text);
    const auto all = rx.requests();
    REQUIRE(all.size() >= 2);
    CHECK(all[0].answered == 500);
    CHECK(all[1].idempotency_key == all[0].idempotency_key);  // the retry of the same notice
    CHECK(all[1].answered == 200);
    // WHEN it falls back to 0.40 % THEN the clear comes, to both channels
    d.sim_set("ch4-1", "ch4", "0.40");
    REQUIRE(eventually([&] { return !notices_of(rx, "ch4-1.ch4", "normal").empty(); }, std::chrono::seconds(20)));
    CHECK(eventually([&] { return count_of(read_all(sms), "LEVEL=") == "2"; }, std::chrono::seconds(10)));
    // AND after the grouping window and the retry delays have passed, nothing came twice
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(notices_of(rx, "ch4-1.ch4", "orange").size() == 1);
    CHECK(notices_of(rx, "ch4-1.ch4", "normal").size() == 1);
    std::set<std::string> ids;
    for (const auto& r : rx.delivered()) CHECK_MESSAGE(ids.insert(r.idempotency_key).second, r.body);
    const auto got = read_all(sms);
    CHECK_MESSAGE(count_of(got, "【橙色预警】xj-mine mine-1 ch4-1.ch4（甲烷）1.2 %CH4") == "1", got);
    CHECK_MESSAGE(count_of(got, "【预警解除】xj-mine mine-1 ch4-1.ch4（甲烷）已恢复正常（曾达橙色预警）") == "1", got);
    CHECK_MESSAGE(count_of(got, "LEVEL=orange TO=13800000000") == "2", got);
  }

  TEST_CASE("twelve alarms in one batch are one grouped message - and a flood is logged") {
    WebhookReceiver rx;
    Deployment d({}, "[notify]\nlanguage = \"en\"\ngroup_window_s = 2\n[[webhook]]\nurl = \"" + rx.url() +
                         "\"\nmin_level = \"orange\"\nsite = \"mine-1\"\n");
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    // GIVEN a second gateway of the site (the probe speaks for it) reporting 12 methane
    // sensors over 1.0 % in one batch
    json readings = json::array();
    for (int i = 0; i < 12; ++i) {
      readings.push_back({{"point", "ch4-" + std::to_string(20 + i) + ".ch4"},
                          {"quantity", "methane"},
                          {"value", 1.2},
                          {"unit", "%CH4"},
                          {"ts", 1764100000000},
                          {"quality", "good"}});
    }
    probe.publish("lookout/v1/xj-mine/mine-1/gw-9/up/readings",
                  json{{"v", 1}, {"gateway", "gw-9"}, {"seq", 1}, {"boot", 1}, {"readings", readings}}.dump());
    // THEN one message names all twelve
    REQUIRE_MESSAGE(eventually(
                        [&] {
                          for (const auto& r : rx.delivered()) {
                            if (json::parse(r.body)["count"] == 12) return true;
                          }
                          return false;
                        },
                        std::chrono::seconds(20)),
                    d.aggregator->stderr_text());
    std::this_thread::sleep_for(std::chrono::seconds(3));  // past the grouping window
    // AND each of the twelve was in exactly one message, the same one
    std::vector<json> with_batch;
    int lines = 0;
    for (const auto& r : rx.delivered()) {
      const auto j = json::parse(r.body);
      int here = 0;
      for (const auto& a : j["alarms"]) {
        const std::string point = a["point"];
        here += point.size() == 10 && (point.rfind("ch4-2", 0) == 0 || point.rfind("ch4-3", 0) == 0) ? 1 : 0;
      }
      lines += here;
      if (here > 0) with_batch.push_back(j);
    }
    CHECK(lines == 12);
    REQUIRE(with_batch.size() == 1);
    const std::string text = with_batch[0]["text"];
    CHECK_MESSAGE(text.rfind("[Orange warning] 12 alarms at xj-mine mine-1: 12 orange, at ", 0) == 0, text);
    CHECK_MESSAGE(text.find("\nch4-20.ch4 (methane) Orange warning 1.2 %CH4") != std::string::npos, text);
    // AND the aggregator says the site is in an alarm flood (more than 10 in 10 min)
    CHECK(eventually([&] { return d.aggregator->stderr_text().find("alarm flood at xj-mine/mine-1") != std::string::npos; },
                     std::chrono::seconds(2)));
  }
}
