// Notifications over the real deployment (issue #4): Mosquitto, lookout-sim, the gateway
// and the aggregator as processes; a webhook receiver and a command hook on this machine.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "tests/support/certificates.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"
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

/// Rows of the aggregator's notification outbox (-1 when the database cannot be read).
int outbox_rows(const std::filesystem::path& db) {
  sqlite3* h = nullptr;
  int n = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM notify_outbox", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return n;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
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
    REQUIRE_MESSAGE(eventually([&] { return !notices_of(rx, "ch4-1.ch4", "orange").empty(); }, HUNG_RUN),
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
    REQUIRE(eventually([&] { return !notices_of(rx, "ch4-1.ch4", "normal").empty(); }, HUNG_RUN));
    CHECK(eventually([&] { return count_of(read_all(sms), "LEVEL=") == "2"; }, HUNG_RUN));
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
                        HUNG_RUN),
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
                     HUNG_RUN));
  }

  TEST_CASE("an https webhook gets each notification once - one whose certificate is from another CA gets none") {
    TempDir certs;
    const auto ours = make_certificates(certs, "");
    const auto theirs = make_certificates(certs, "other-");
    WebhookReceiver good({0, 0, ours.server_cert.string(), ours.server_key.string()});
    WebhookReceiver bad({0, 0, theirs.server_cert.string(), theirs.server_key.string()});
    const std::string hook = "min_level = \"orange\"\nretry_initial_s = 0.3\nretry_max_s = 1\nca_file = \"" +
                             ours.ca.string() + "\"\n";
    Deployment d({}, "[notify]\ngroup_window_s = 1\nrepeat_min = 0\n[[webhook]]\nurl = \"" + good.url() + "\"\n" +
                         hook + "[[webhook]]\nurl = \"" + bad.url() + "\"\n" + hook);
    // WHEN methane rises to 1.20 % (orange) and falls back THEN the trusted receiver gets both, over TLS
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE_MESSAGE(eventually([&] { return !notices_of(good, "ch4-1.ch4", "orange").empty(); }, HUNG_RUN),
                    d.aggregator->stderr_text());
    d.sim_set("ch4-1", "ch4", "0.40");
    REQUIRE(eventually([&] { return !notices_of(good, "ch4-1.ch4", "normal").empty(); }, HUNG_RUN));
    std::this_thread::sleep_for(std::chrono::seconds(3));  // past the window and the retry delays
    CHECK(notices_of(good, "ch4-1.ch4", "orange").size() == 1);
    CHECK(notices_of(good, "ch4-1.ch4", "normal").size() == 1);
    CHECK(good.failed_handshakes() == 0);
    // AND the other receiver's certificate is refused: nothing reaches it, and the log says why
    CHECK(bad.requests().empty());
    CHECK(bad.failed_handshakes() >= 2);  // retried like any failure
    const auto log = d.aggregator->stderr_text();
    CHECK_MESSAGE(log.find(bad.url() + ": notification ") != std::string::npos, log);
    CHECK_MESSAGE(log.find("failed: TLS handshake: certificate refused: unable to get local issuer certificate") !=
                      std::string::npos,
                  log);
  }

  TEST_CASE("undelivered notifications survive an aggregator restart and are delivered once afterwards") {
    const int port = free_port();  // the webhook receiver is down: nothing listens there yet
    TempDir out;
    const auto flag = out / "sms-gateway-up";
    const auto sms = out / "sms.txt";
    // The SMS gateway fails (exit 3) until the flag file exists.
    const std::string toml =
        "[notify]\ngroup_window_s = 1\nrepeat_min = 0\n"
        "[[webhook]]\nurl = \"http://127.0.0.1:" + std::to_string(port) + "/hook\"\nmin_level = \"orange\"\n"
        "max_attempts = 1000\nretry_initial_s = 0.2\nretry_max_s = 0.5\n"
        "[[command_hook]]\ncommand = [\"/bin/sh\", \"-c\", \"test -e \\\"$0\\\" || exit 3; cat >> \\\"$1\\\"\", \"" +
        flag.string() + "\", \"" + sms.string() + "\"]\nmin_level = \"orange\"\n"
        "max_attempts = 1000\nretry_initial_s = 0.2\nretry_max_s = 0.5\n";
    Deployment d({}, toml);
    const auto db = d.dir / "lookout.db";
    // GIVEN both receivers down WHEN methane rises to 1.20 % THEN both keep failing
    d.sim_set("ch4-1", "ch4", "1.20");
    REQUIRE_MESSAGE(eventually(
                        [&] {
                          const auto log = d.aggregator->stderr_text();
                          return log.find("/hook: notification ") != std::string::npos &&
                                 log.find(" attempt 2 of 1000 failed: connect") != std::string::npos &&
                                 log.find("/bin/sh: notification ") != std::string::npos &&
                                 log.find("failed: exit status 3") != std::string::npos;
                        },
                        HUNG_RUN),
                    d.aggregator->stderr_text());
    CHECK(outbox_rows(db) == 2);  // one per channel
    // WHEN the aggregator stops and starts again
    REQUIRE(d.aggregator->stop() == 0);
    CHECK(outbox_rows(db) == 2);
    d.start_aggregator();
    CHECK_MESSAGE(eventually([&] {
                    return d.aggregator->stderr_text().find("2 notifications undelivered before the start queued again") !=
                           std::string::npos;
                  }, HUNG_RUN),
                  d.aggregator->stderr_text());
    // AND the receivers come up THEN each gets the notification, once
    WebhookReceiver rx({0, port, "", ""});
    write_file(flag, "");
    REQUIRE_MESSAGE(eventually([&] { return !rx.delivered().empty() && !read_all(sms).empty(); },
                               HUNG_RUN),
                    d.aggregator->stderr_text());
    CHECK(eventually([&] { return outbox_rows(db) == 0; }, HUNG_RUN));
    std::this_thread::sleep_for(std::chrono::seconds(3));  // past the window and the retry delays
    CHECK(notices_of(rx, "ch4-1.ch4", "orange").size() == 1);
    CHECK(rx.requests().size() == 1);
    CHECK(count_of(read_all(sms), "ch4-1.ch4（甲烷）1.2 %CH4") == "1");
    CHECK(outbox_rows(db) == 0);
    // AND the key is the notice's own, as it was before the restart
    const auto body = json::parse(rx.delivered().front().body);
    CHECK(rx.delivered().front().idempotency_key == body["id"].get<std::string>());
    CHECK(d.aggregator->stderr_text().find("given up") == std::string::npos);
  }

  TEST_CASE("an unacknowledged alarm is notified again at the repeat interval - acknowledging it stops the repeats") {
    WebhookReceiver rx;
    // Repeats every 0.05 min = 3 s.
    Deployment d({}, "[notify]\nlanguage = \"en\"\ngroup_window_s = 1\nrepeat_min = 0.05\n[[webhook]]\nurl = \"" +
                         rx.url() + "\"\nmin_level = \"orange\"\n");
    d.sim_set("ch4-1", "ch4", "1.20");
    const auto repeats = [&] {
      std::vector<json> out;
      for (const auto& n : notices_of(rx, "ch4-1.ch4", "orange")) {
        if (n["alarms"][0]["repeat"] == true) out.push_back(n);
      }
      return out;
    };
    // THEN the alarm, and then reminders of it
    REQUIRE_MESSAGE(eventually([&] { return repeats().size() >= 2; }, HUNG_RUN),
                    d.aggregator->stderr_text());
    const auto all = notices_of(rx, "ch4-1.ch4", "orange");
    REQUIRE(all.size() >= 3);
    CHECK(all[0]["alarms"][0]["repeat"] == false);
    for (std::size_t i = 1; i < all.size(); ++i) {
      CHECK(all[i]["alarms"][0]["repeat"] == true);
      // never sooner than the interval after the one before (the aggregator's own clock)
      CHECK(all[i]["at"].get<std::int64_t>() - all[i - 1]["at"].get<std::int64_t>() >= 3000);
    }
    const std::string text = repeats().front()["text"];
    CHECK_MESSAGE(text.find("ch4-1.ch4") != std::string::npos, text);
    // WHEN someone acknowledges it
    const auto list = json::parse(http_request(d.http_port, "GET", "/api/v1/alarms", "", d.token).body);
    std::int64_t id = 0;
    for (const auto& a : list["alarms"]) {
      if (a["point"] == "ch4-1.ch4") id = a["id"];
    }
    REQUIRE(id != 0);
    const auto r = http_request(d.http_port, "POST", "/api/v1/alarms/" + std::to_string(id) + "/ack",
                                json{{"comment", "on my way"}}.dump(), d.token);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const auto acked = now_ms();
    // THEN no reminder is decided after it, over three intervals
    std::this_thread::sleep_for(std::chrono::seconds(10));
    for (const auto& n : notices_of(rx, "ch4-1.ch4", "orange")) {
      CHECK_MESSAGE(n["at"].get<std::int64_t>() <= acked, n.dump());
    }
    // AND the alarm is still active (acknowledged), not cleared
    const auto after = json::parse(http_request(d.http_port, "GET", "/api/v1/alarms/" + std::to_string(id), "",
                                                d.token).body);
    CHECK(after["state"] == "active_acknowledged");
  }
}
