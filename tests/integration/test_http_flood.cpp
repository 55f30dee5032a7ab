// The HTTP API under a flood of connections (issue #10): idle sockets held open by the
// hundred neither use up the aggregator's files nor lock people out; one address is held
// to its own cap; what is refused or closed for room is said in the log.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"

using namespace lookout::test;

namespace {

/// A TCP connection to 127.0.0.1:port from the loopback address `from` that sends nothing.
class IdleConnection {
 public:
  IdleConnection(int port, const std::string& from) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    REQUIRE(inet_pton(AF_INET, from.c_str(), &local.sin_addr) == 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0);
  }
  ~IdleConnection() { ::close(fd_); }
  IdleConnection(const IdleConnection&) = delete;
  IdleConnection& operator=(const IdleConnection&) = delete;

  /// What the server sends until it closes (HUNG_RUN at most).
  std::string read_to_end() {
    timeval tv{static_cast<time_t>(HUNG_RUN.count()), 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

  /// True while the server keeps it open (nothing to read yet, no end).
  bool open_now() {
    char c = 0;
    return ::recv(fd_, &c, 1, MSG_DONTWAIT | MSG_PEEK) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

 private:
  int fd_;
};

/// Sets this process's soft limit on open files (children inherit it); restores it when gone.
class SoftFileLimit {
 public:
  explicit SoftFileLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  }
  ~SoftFileLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
  rlim_t hard() const { return saved_.rlim_max; }

 private:
  rlimit saved_{};
};

}  // namespace

TEST_SUITE("integration.http_flood") {
  TEST_CASE("400 idle connections to an aggregator started with 256 files - people are still served") {
    std::unique_ptr<Deployment> d;
    rlim_t hard = 0;
    {
      // GIVEN an aggregator started, as a service is, with a low soft limit on files
      SoftFileLimit low(256);
      hard = low.hard();
      d = std::make_unique<Deployment>();
    }
    if (hard < 1024) {
      MESSAGE("SKIPPED: the hard limit on open files here is " << hard << ", too low to show the raise");
      return;
    }
    // THEN it raised its limit to the hard one and said so
    CHECK_MESSAGE(d->aggregator->stderr_text().find("per client address (open files: up to " + std::to_string(hard) +
                                                    ")") != std::string::npos,
                  d->aggregator->stderr_text());
    // WHEN 400 connections from eight addresses are held open without a request
    std::vector<std::unique_ptr<IdleConnection>> idle;
    for (int i = 0; i < 400; ++i) {
      idle.push_back(std::make_unique<IdleConnection>(d->http_port, "127.0.0." + std::to_string(2 + i % 8)));
    }
    // THEN a person's request is answered, health is fine, and readings still come in
    const auto r = http_request(d->http_port, "GET", "/api/v1/status", "", d->token);
    CHECK_MESSAGE(r.status == 200, d->aggregator->stderr_text());
    CHECK(http_request(d->http_port, "GET", "/healthz").status == 200);
    d->sim_set("ch4-1", "ch4", "0.33");
    CHECK(d->wait_status("ch4-1.ch4", [](const nlohmann::json& p) { return p["value"] == 0.33; }));
    CHECK(d->aggregator->running());
  }

  TEST_CASE("one address is held to its connection cap - at the overall cap the idle make room") {
    Deployment d({.http_toml = "max_connections = 12\nmax_connections_per_client = 5\n"});
    CHECK(d.aggregator->stderr_text().find("up to 12 connections, 5 per client address") != std::string::npos);
    // GIVEN five idle connections from 127.0.0.2
    std::vector<std::unique_ptr<IdleConnection>> idle;
    for (int i = 0; i < 5; ++i) idle.push_back(std::make_unique<IdleConnection>(d.http_port, "127.0.0.2"));
    // WHEN it opens a sixth THEN that one gets a 503 saying why, and is closed
    IdleConnection sixth(d.http_port, "127.0.0.2");
    const auto answer = sixth.read_to_end();
    CHECK(answer.starts_with("HTTP/1.1 503"));
    CHECK(answer.find("too many connections from 127.0.0.2") != std::string::npos);
    // WHEN ten more come from two other addresses, past the overall cap of 12
    for (int i = 0; i < 10; ++i) {
      idle.push_back(std::make_unique<IdleConnection>(d.http_port, i % 2 == 0 ? "127.0.0.3" : "127.0.0.4"));
    }
    // THEN the ones waiting longest were closed for room (127.0.0.2's first one), the
    // newest is still open
    CHECK(idle.front()->read_to_end().empty());
    CHECK(idle.back()->open_now());
    // AND a person is still served, from an address of their own
    const auto r = http_request(d.http_port, "GET", "/api/v1/status", "", d.token);
    CHECK(r.status == 200);
    // AND both are in the log, with the setting to change
    const auto log = d.aggregator->stderr_text();
    CHECK_MESSAGE(log.find("WARN  http: client 127.0.0.2 has 5 connections open, the most one address may "
                           "(http.max_connections_per_client): refused with 503 (1 refused since start)") !=
                      std::string::npos,
                  log);
    CHECK_MESSAGE(log.find("WARN  http: 12 connections open, the most allowed (http.max_connections): the one "
                           "waiting longest for a request was closed for a new one") != std::string::npos,
                  log);
    // AND /metrics counts the 503
    const auto metrics = http_request(d.http_port, "GET", "/metrics", "", d.token);
    CHECK(metrics.body.find("code=\"503\"") != std::string::npos);
  }
}
