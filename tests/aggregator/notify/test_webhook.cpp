#include <doctest/doctest.h>

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <chrono>

#include "aggregator/notify/webhook.hpp"
#include "tests/support/webhook_receiver.hpp"

using namespace lookout::aggregator::notify;
using lookout::test::WebhookReceiver;

namespace {

WebhookSettings settings_for(int port, int max_attempts = 5) {
  WebhookSettings s;
  s.url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  s.host = "127.0.0.1";
  s.port = std::to_string(port);
  s.target = "/hook";
  s.timeout_ms = 2000;
  s.retry = RetryPolicy{max_attempts, 50, 200};
  return s;
}

/// Runs the io_context until `done` or 10 s.
template <typename F>
bool run_until(boost::asio::io_context& io, F done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.run_for(std::chrono::milliseconds(20));
    io.restart();
  }
  return done();
}

}  // namespace

TEST_SUITE("aggregator.notify.webhook") {
  TEST_CASE("backoff doubles from the initial delay up to the bound") {
    const RetryPolicy r{10, 1000, 5000};
    CHECK(r.delay_before(1) == 0);
    CHECK(r.delay_before(2) == 1000);
    CHECK(r.delay_before(3) == 2000);
    CHECK(r.delay_before(4) == 4000);
    CHECK(r.delay_before(5) == 5000);
    CHECK(r.delay_before(60) == 5000);
  }

  TEST_CASE("each notice is delivered once and in order - a 500 is retried") {
    WebhookReceiver rx(1);  // the first answer is 500
    boost::asio::io_context io;
    Webhook w(io, settings_for(rx.port()));
    w.enqueue("n-1", R"({"id":"n-1"})");
    w.enqueue("n-2", R"({"id":"n-2"})");
    REQUIRE(run_until(io, [&] { return w.stats().delivered == 2; }));
    const auto all = rx.requests();
    REQUIRE(all.size() == 3);
    CHECK(all[0].answered == 500);
    CHECK(all[0].idempotency_key == "n-1");
    CHECK(all[1].idempotency_key == "n-1");  // the retry, same id
    CHECK(all[2].idempotency_key == "n-2");
    CHECK(all[1].method == "POST");
    CHECK(all[1].target == "/hook");
    CHECK(all[1].body == R"({"id":"n-1"})");
    CHECK(w.stats().failed_attempts == 1);
    CHECK(w.stats().queued == 0);
    // AND nothing more arrives later
    io.run_for(std::chrono::milliseconds(300));
    CHECK(rx.requests().size() == 3);
  }

  TEST_CASE("a dead receiver - bounded attempts then the notice is given up and the next goes") {
    boost::asio::io_context io;
    const int dead_port = [] {
      WebhookReceiver gone;
      return gone.port();
    }();  // nothing listens there now
    Webhook w(io, settings_for(dead_port, 3));
    const auto start = std::chrono::steady_clock::now();
    w.enqueue("n-1", "{}");
    REQUIRE(run_until(io, [&] { return w.stats().given_up == 1; }));
    // 3 attempts with 50 + 100 ms between them
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(150));
    CHECK(w.stats().failed_attempts == 3);
    CHECK(w.stats().delivered == 0);
  }

  TEST_CASE("enqueue never waits for a slow receiver - and the queue is bounded") {
    WebhookReceiver rx;
    rx.set_delay(std::chrono::milliseconds(300));
    boost::asio::io_context io;
    auto s = settings_for(rx.port());
    s.queue_limit = 3;
    Webhook w(io, s);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) w.enqueue("n-" + std::to_string(i), "{}");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(50));
    CHECK(w.stats().dropped == 2);
    REQUIRE(run_until(io, [&] { return w.stats().delivered == 3; }));
    const auto got = rx.delivered();
    REQUIRE(got.size() == 3);
    CHECK(got[0].idempotency_key == "n-0");  // the one in flight is never dropped
    CHECK(got[2].idempotency_key == "n-4");  // the newest is kept
  }
}
