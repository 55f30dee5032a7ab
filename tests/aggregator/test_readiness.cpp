#include <doctest/doctest.h>

#include "aggregator/readiness.hpp"

using namespace lookout::aggregator;

namespace {

ReadinessFacts healthy() {
  ReadinessFacts f;
  f.broker = "tcp://127.0.0.1:1883";
  f.listener_connected = true;
  f.publisher_connected = true;
  return f;
}

}  // namespace

TEST_SUITE("aggregator.readiness") {
  TEST_CASE("all well is no problem at all") { CHECK(readiness_problems(healthy()).empty()); }

  TEST_CASE("each fault is one reason naming what is wrong") {
    auto f = healthy();
    f.listener_connected = false;
    f.store_error = "database or disk is full";
    const auto p = readiness_problems(f);
    REQUIRE(p.size() == 2);
    CHECK(p[0] == "broker: not connected to tcp://127.0.0.1:1883: readings from the gateways are not arriving");
    CHECK(p[1] == "database: not writable: database or disk is full");
  }

  TEST_CASE("a backlog counts only when messages wait and the last one waited past the limit") {
    auto f = healthy();
    f.ingest_pending = 500;
    f.ingest_lag_ms = 10'000;  // at the limit: not yet
    CHECK(readiness_problems(f).empty());
    f.ingest_lag_ms = 12'000;
    const auto p = readiness_problems(f);
    REQUIRE(p.size() == 1);
    CHECK(p[0] == "ingest: 500 messages waiting; the last one stored had waited 12 s");
    f.ingest_pending = 0;  // drained: the last lag is history
    CHECK(readiness_problems(f).empty());
  }

  TEST_CASE("a notification queue at its bound is a problem - below it is not") {
    auto f = healthy();
    lookout::aggregator::notify::ChannelHealth c;
    c.kind = "webhook";
    c.name = "https://127.0.0.1:9/hook";
    c.queue_limit = 3;
    c.stats.queued = 2;
    f.channels.push_back(c);
    CHECK(readiness_problems(f).empty());
    f.channels[0].stats.queued = 3;
    const auto p = readiness_problems(f);
    REQUIRE(p.size() == 1);
    CHECK(p[0].find("notifications: the webhook https://127.0.0.1:9/hook has 3 notices waiting") == 0);
  }
}
