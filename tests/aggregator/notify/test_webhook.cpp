#include <doctest/doctest.h>

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "aggregator/notify/webhook.hpp"
#include "firmware/log.hpp"
#include "tests/support/certificates.hpp"
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

WebhookSettings https_for(int port, const std::string& ca_file, int max_attempts = 5) {
  auto s = settings_for(port, max_attempts);
  s.url = "https://127.0.0.1:" + std::to_string(port) + "/hook";
  s.tls = true;
  s.ca_file = ca_file;
  return s;
}

/// Log lines written while it lives (then stderr again).
class LogCapture {
 public:
  LogCapture() {
    lookout::log::set_sink([this](lookout::log::Severity, std::string_view c, std::string_view m) {
      std::lock_guard<std::mutex> g(mutex_);
      lines_ += std::string(c) + ": " + std::string(m) + "\n";
    });
  }
  ~LogCapture() { lookout::log::set_sink({}); }
  std::string text() {
    std::lock_guard<std::mutex> g(mutex_);
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::string lines_;
};

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

  TEST_CASE("https - a receiver whose certificate chains to ca_file gets each notice once") {
    lookout::test::TempDir dir;
    const auto certs = lookout::test::make_certificates(dir, "");
    WebhookReceiver rx({1, 0, certs.server_cert.string(), certs.server_key.string()});  // first answer 500
    boost::asio::io_context io;
    Webhook w(io, https_for(rx.port(), certs.ca.string()));
    w.enqueue("n-1", R"({"id":"n-1"})");
    w.enqueue("n-2", R"({"id":"n-2"})");
    REQUIRE(run_until(io, [&] { return w.stats().delivered == 2; }));
    io.run_for(std::chrono::milliseconds(300));
    const auto all = rx.requests();
    REQUIRE(all.size() == 3);
    CHECK(all[0].idempotency_key == "n-1");
    CHECK(all[1].idempotency_key == "n-1");  // the retry of the 500, same id
    CHECK(all[2].idempotency_key == "n-2");
    CHECK(all[2].body == R"({"id":"n-2"})");
    CHECK(rx.delivered().size() == 2);
    CHECK(rx.failed_handshakes() == 0);
  }

  TEST_CASE("https - a certificate not signed by ca_file is refused and retried - the log says why") {
    lookout::test::TempDir dir;
    const auto ours = lookout::test::make_certificates(dir, "");
    const auto theirs = lookout::test::make_certificates(dir, "other-");
    WebhookReceiver rx({0, 0, theirs.server_cert.string(), theirs.server_key.string()});
    LogCapture log;
    boost::asio::io_context io;
    Webhook w(io, https_for(rx.port(), ours.ca.string(), 3));
    w.enqueue("n-1", "{}");
    REQUIRE(run_until(io, [&] { return w.stats().given_up == 1; }));
    CHECK(w.stats().failed_attempts == 3);  // the same backoff as any failure
    CHECK(rx.requests().empty());
    // (the receiver counts a refused handshake just after the client has given up on it)
    CHECK(lookout::test::eventually([&] { return rx.failed_handshakes() == 3; }, lookout::test::HUNG_RUN));
    CHECK_MESSAGE(log.text().find("notification n-1 attempt 1 of 3 failed: TLS handshake: certificate refused: "
                                  "unable to get local issuer certificate") != std::string::npos,
                  log.text());
  }

  TEST_CASE("https - a certificate for another host name is refused") {
    lookout::test::TempDir dir;
    const auto certs = lookout::test::make_certificates(dir, "", "DNS:webhooks.example.org");
    WebhookReceiver rx({0, 0, certs.server_cert.string(), certs.server_key.string()});
    LogCapture log;
    boost::asio::io_context io;
    Webhook w(io, https_for(rx.port(), certs.ca.string(), 1));
    w.enqueue("n-1", "{}");
    REQUIRE(run_until(io, [&] { return w.stats().given_up == 1; }));
    CHECK(rx.requests().empty());
    CHECK_MESSAGE(log.text().find("TLS handshake: certificate refused: IP address mismatch") != std::string::npos,
                  log.text());
  }

  TEST_CASE("https - without ca_file the system's CAs do not trust a test CA") {
    lookout::test::TempDir dir;
    const auto certs = lookout::test::make_certificates(dir, "");
    WebhookReceiver rx({0, 0, certs.server_cert.string(), certs.server_key.string()});
    LogCapture log;
    boost::asio::io_context io;
    Webhook w(io, https_for(rx.port(), "", 1));
    w.enqueue("n-1", "{}");
    REQUIRE(run_until(io, [&] { return w.stats().given_up == 1; }));
    CHECK(rx.requests().empty());
    CHECK_MESSAGE(log.text().find("TLS handshake: certificate refused: ") != std::string::npos, log.text());
  }

  TEST_CASE("https - a ca_file that is not PEM stops the webhook from being made - naming the file") {
    lookout::test::TempDir dir;
    lookout::test::write_file(dir / "junk.pem", "not a certificate\n");
    boost::asio::io_context io;
    try {
      Webhook w(io, https_for(1, (dir / "junk.pem").string()));
      FAIL("no error");
    } catch (const std::runtime_error& e) {
      CHECK_MESSAGE(std::string(e.what()).find("cannot load CA certificates from " + (dir / "junk.pem").string()) !=
                        std::string::npos,
                    e.what());
    }
  }
}
