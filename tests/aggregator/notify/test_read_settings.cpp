#include <doctest/doctest.h>

#include "aggregator/config.hpp"
#include "firmware/config/toml_checker.hpp"
#include "tests/support/process.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

namespace {

const std::string BASE = "[mqtt]\nuri = \"tcp://127.0.0.1:1883\"\n[storage]\npath = \"x.db\"\n";

std::string errors_of(const std::string& text) {
  try {
    parse_aggregator_config(text, "agg.toml");
  } catch (const lookout::config::ConfigErrors& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("aggregator.notify.read_settings") {
  TEST_CASE("defaults - Chinese - Beijing time - 10 s groups - repeats every 15 min") {
    const auto c = parse_aggregator_config(BASE, "agg.toml");
    CHECK(c.notify.language == notify::Language::zh);
    CHECK(c.notify.offset_min == 480);
    CHECK(c.notify.group_window_ms == 10'000);
    CHECK(c.notify.repeat_ms == 900'000);
    CHECK(c.notify.webhooks.empty());
    CHECK(c.notify.command_hooks.empty());
  }

  TEST_CASE("notify - webhook and command_hook tables") {
    const auto c = parse_aggregator_config(BASE + R"(
[notify]
language = "en"
time_zone = "UTC+07:00"
group_window_s = 5
repeat_min = 0
templates = { raised = "{site} {point} {level_name}" }
[[notify.zone]]
site = "hami-1"
time_zone = "Asia/Urumqi"

[[webhook]]
url = "http://127.0.0.1:9000/alarms"
min_level = "orange"
site = "dam-1"
max_attempts = 4
retry_initial_s = 0.5
retry_max_s = 30

[[command_hook]]
command = ["/usr/local/bin/sms-send", "--to", "13800000000"]
recipient = "13800000000"
min_level = "red"
language = "zh"
timeout_s = 20
)",
                                           "agg.toml");
    const auto& n = c.notify;
    CHECK(n.language == notify::Language::en);
    CHECK(n.offset_min == 420);
    CHECK(n.offset_for("any", "hami-1") == 360);
    CHECK(n.offset_for("any", "dam-1") == 420);
    CHECK(n.group_window_ms == 5000);
    CHECK(n.repeat_ms == 0);
    CHECK(n.templates.raised == "{site} {point} {level_name}");
    REQUIRE(n.webhooks.size() == 1);
    const auto& w = n.webhooks[0];
    CHECK(w.host == "127.0.0.1");
    CHECK(w.port == "9000");
    CHECK(w.target == "/alarms");
    CHECK(w.filter.min_level == Level::orange);
    CHECK(w.filter.site == "dam-1");
    CHECK(w.language == notify::Language::en);  // from [notify]
    CHECK(w.retry.max_attempts == 4);
    CHECK(w.retry.initial_ms == 500);
    CHECK(w.retry.max_ms == 30'000);
    REQUIRE(n.command_hooks.size() == 1);
    const auto& h = n.command_hooks[0];
    CHECK(h.command.size() == 3);
    CHECK(h.recipient == "13800000000");
    CHECK(h.filter.min_level == Level::red);
    CHECK(h.language == notify::Language::zh);
    CHECK(h.timeout_ms == 20'000);
  }

  TEST_CASE("https webhooks - port 443 by default - ca_file from the configuration's folder") {
    lookout::test::TempDir dir;
    lookout::test::write_file(dir / "ca.pem", "PEM\n");
    const auto c = parse_aggregator_config(BASE + R"(
[[webhook]]
url = "https://alarms.example.org/in"
[[webhook]]
url = "https://127.0.0.1:8443/hook"
ca_file = "ca.pem"
)",
                                           (dir / "agg.toml").string());
    REQUIRE(c.notify.webhooks.size() == 2);
    const auto& a = c.notify.webhooks[0];
    CHECK(a.tls);
    CHECK(a.host == "alarms.example.org");
    CHECK(a.port == "443");
    CHECK(a.target == "/in");
    CHECK(a.ca_file.empty());  // the system's CAs
    const auto& b = c.notify.webhooks[1];
    CHECK(b.tls);
    CHECK(b.port == "8443");
    CHECK(b.ca_file == (dir / "ca.pem").string());
    CHECK_FALSE(parse_aggregator_config(BASE + "[[webhook]]\nurl = \"http://127.0.0.1/\"\n", "agg.toml")
                    .notify.webhooks[0]
                    .tls);
  }

  TEST_CASE("ca_file - only with https - and it must be readable") {
    const auto e = errors_of(BASE + R"(
[[webhook]]
url = "http://127.0.0.1:9000/hook"
ca_file = "/etc/ssl/certs/ca-certificates.crt"
[[webhook]]
url = "https://127.0.0.1:9000/hook"
ca_file = "/nonexistent/ca.pem"
)");
    CHECK_MESSAGE(e.find("agg.toml:8:11: webhook[0].ca_file: only used with an https:// url") != std::string::npos, e);
    CHECK_MESSAGE(e.find("agg.toml:11:11: webhook[1].ca_file: cannot read /nonexistent/ca.pem") != std::string::npos,
                  e);
  }

  TEST_CASE("every notification mistake at once with file:line:column") {
    const auto e = errors_of(BASE + R"([notify]
language = "fr"
time_zone = "Europe/Berlin"
repeat_min = 0.01
templates = { raised = "{levle}" }
[[webhook]]
url = "ftp://example.org/x"
min_level = "purple"
[[command_hook]]
command = ["sms-send"]
shell = true
)");
    CHECK(e.find("agg.toml:6:12: notify.language: \"fr\" is not one of zh, en") != std::string::npos);
    CHECK(e.find("agg.toml:7:13: notify.time_zone: \"Europe/Berlin\" is not a known zone") != std::string::npos);
    CHECK(e.find("agg.toml:8:14: notify.repeat_min") != std::string::npos);
    CHECK(e.find("agg.toml:9:24: notify.templates.raised: unknown placeholder {levle}") != std::string::npos);
    CHECK(e.find("agg.toml:11:7: webhook[0].url: \"ftp://example.org/x\" is not http://") != std::string::npos);
    CHECK(e.find("agg.toml:12:13: webhook[0].min_level: \"purple\"") != std::string::npos);
    CHECK(e.find("agg.toml:14:12: command_hook[0].command: \"sms-send\" must be an absolute path") !=
          std::string::npos);
    CHECK(e.find("agg.toml:15:1: command_hook[0].shell: unknown key") != std::string::npos);
  }
}
