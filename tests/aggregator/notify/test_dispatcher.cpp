#include <doctest/doctest.h>

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <chrono>

#include <nlohmann/json.hpp>

#include "aggregator/notify/dispatcher.hpp"
#include "aggregator/sqlite_store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/webhook_receiver.hpp"

using namespace lookout::aggregator;
using namespace lookout::aggregator::notify;
using lookout::test::TempDir;
using lookout::test::WebhookReceiver;
using lookout::wire::AlarmMessage;
using lookout::wire::Level;

namespace {

constexpr std::int64_t T0 = 1764110000000;  // [ms UTC]

AlarmMessage alarm(const std::string& site, Level level) {
  AlarmMessage a;
  a.enterprise = "xj-mine";
  a.site = site;
  a.point = "ch4-1.ch4";
  a.quantity = "methane";
  a.level = level;
  a.state = "active_unacknowledged";
  a.value = 1.2;
  a.unit = "%CH4";
  a.ts_ms = T0;
  a.since_ms = T0;
  return a;
}

NotifySettings one_webhook(int port, std::size_t queue_limit = 100) {
  NotifySettings s;
  s.group_window_ms = 0;
  s.repeat_ms = 0;
  WebhookSettings w;
  w.url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  w.host = "127.0.0.1";
  w.port = std::to_string(port);
  w.target = "/hook";
  w.timeout_ms = 2000;
  w.queue_limit = queue_limit;
  w.retry = RetryPolicy{1000, 50, 100};
  s.webhooks.push_back(w);
  return s;
}

template <typename F>
bool run_until(boost::asio::io_context& io, F done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.run_for(std::chrono::milliseconds(20));
    io.restart();
  }
  return done();
}

int dead_port() {
  WebhookReceiver gone;
  return gone.port();  // nothing listens there once it is gone
}

}  // namespace

TEST_SUITE("aggregator.notify.dispatcher") {
  TEST_CASE("a notice not delivered before the dispatcher goes is delivered by the next one - once - same id") {
    TempDir dir;
    const auto db = dir / "lookout.db";
    { SqliteStore store(db); }
    Outbox box(db);
    const int port = dead_port();
    std::string id;
    {
      boost::asio::io_context io;
      Dispatcher d(io, one_webhook(port), &box);
      d.on_alarms({alarm("mine-1", Level::orange)}, T0);
      REQUIRE(run_until(io, [&] { return d.channels().at(0).stats.failed_attempts >= 2; }));
      const auto rows = box.pending();
      REQUIRE(rows.size() == 1);
      id = rows[0].notice_id;
      CHECK(rows[0].channel == "webhook http://127.0.0.1:" + std::to_string(port) + "/hook");
    }
    REQUIRE(box.pending().size() == 1);  // going away is not delivering
    WebhookReceiver rx({0, port, "", ""});
    boost::asio::io_context io;
    Dispatcher d(io, one_webhook(port), &box);
    REQUIRE(run_until(io, [&] { return d.channels().at(0).stats.delivered == 1; }));
    io.run_for(std::chrono::milliseconds(300));
    const auto got = rx.requests();
    REQUIRE(got.size() == 1);
    CHECK(got[0].idempotency_key == id);
    CHECK(nlohmann::json::parse(got[0].body)["id"] == id);
    CHECK(box.pending().empty());
  }

  TEST_CASE("the outbox is bounded by queue_limit - drops are counted in health and metrics") {
    TempDir dir;
    const auto db = dir / "lookout.db";
    { SqliteStore store(db); }
    Outbox box(db);
    boost::asio::io_context io;
    const int port = dead_port();
    Dispatcher d(io, one_webhook(port, 2), &box);
    // Three sites, three notices; room for two.
    d.on_alarms({alarm("mine-1", Level::orange), alarm("mine-2", Level::orange), alarm("mine-3", Level::orange)}, T0);
    CHECK(box.pending().size() == 2);
    const auto stats = d.channels().at(0).stats;
    CHECK(stats.dropped == 1);
    CHECK(stats.queued == 2);
    const auto health = nlohmann::json(d.health(T0));
    CHECK(health["notifications"][0]["dropped"] == 1);
    CHECK(health["notifications"][0]["kind"] == "webhook");
    const auto text = d.metrics();
    CHECK_MESSAGE(text.find("lookout_notify_dropped_total{kind=\"webhook\",channel=\"http://127.0.0.1:" +
                            std::to_string(port) + "/hook\"} 1\n") != std::string::npos,
                  text);
    CHECK(text.find("# TYPE lookout_notify_queued gauge\n") != std::string::npos);
  }

  TEST_CASE("rows of a channel no longer configured are dropped at start - and counted") {
    TempDir dir;
    const auto db = dir / "lookout.db";
    { SqliteStore store(db); }
    Outbox box(db);
    box.add({0, "webhook http://127.0.0.1:1/gone", "n-1", "{}", {}, T0});
    boost::asio::io_context io;
    Dispatcher d(io, one_webhook(dead_port()), &box);
    CHECK(box.pending().empty());
    const auto all = d.channels();
    REQUIRE(all.size() == 2);
    CHECK(all[1].kind == "removed");
    CHECK(all[1].stats.dropped == 1);
  }
}
