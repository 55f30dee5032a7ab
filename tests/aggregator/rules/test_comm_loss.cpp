#include <doctest/doctest.h>

#include "aggregator/rules/comm_loss.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

TEST_SUITE("aggregator.rules.comm_loss") {
  TEST_CASE("no reading for three poll periods is a communication loss") {
    CommLossRule rule;  // 3 x the period, default 60 s
    CommState s;
    // GIVEN a point never heard of THEN nothing to say
    CHECK(judge_comm(rule, s, 1'000'000).level == Level::normal);
    // GIVEN readings every 10 s
    for (int i = 0; i < 5; ++i) comm_seen(s, 1'000'000 + i * 10'000, 1'000'100 + i * 10'000);
    CHECK(poll_period_ms(rule, s) == 10'000);
    const std::int64_t last = 1'000'100 + 4 * 10'000;
    // WHEN 30 s pass THEN still fine; WHEN 30.001 s THEN comm loss
    CHECK(judge_comm(rule, s, last + 30'000).level == Level::normal);
    const auto j = judge_comm(rule, s, last + 30'001);
    CHECK(j.level == Level::yellow);
    CHECK(j.rule == "comm.no_data");
    // WHEN a reading arrives THEN it clears
    comm_seen(s, 1'000'000 + 50'000, last + 31'000);
    CHECK(judge_comm(rule, s, last + 31'000).level == Level::normal);
  }

  TEST_CASE("a configured poll period and multiple win over what is seen") {
    CommLossRule rule;
    rule.multiple = 2;
    rule.period_ms = 600'000;
    CommState s;
    comm_seen(s, 0, 0);
    comm_seen(s, 1000, 1000);
    CHECK(poll_period_ms(rule, s) == 600'000);
    CHECK(judge_comm(rule, s, 1000 + 1'200'000).level == Level::normal);
    CHECK(judge_comm(rule, s, 1000 + 1'200'001).level == Level::yellow);
  }

  TEST_CASE("the gateway's last will is a communication loss until a reading arrives") {
    CommLossRule rule;
    rule.level = Level::orange;
    CommState s;
    comm_seen(s, 0, 0);
    s.gateway_offline = true;
    const auto j = judge_comm(rule, s, 1);
    CHECK(j.level == Level::orange);
    CHECK(j.rule == "comm.gateway_offline");
    comm_seen(s, 5, 5);
    CHECK(judge_comm(rule, s, 6).level == Level::normal);
  }

  TEST_CASE("fast polling never makes the silence limit shorter than the floor") {
    CommLossRule rule;  // floor 10 s
    CommState s;
    for (int i = 0; i < 5; ++i) comm_seen(s, i * 1000, i * 1000);
    CHECK(poll_period_ms(rule, s) == 1000);
    CHECK(judge_comm(rule, s, 4000 + 10'000).level == Level::normal);
    CHECK(judge_comm(rule, s, 4000 + 10'001).level == Level::yellow);
  }

  TEST_CASE("readings measured every 2 s but published every 20 s take the arrival period") {
    CommLossRule rule;
    CommState s;
    // batches of ten readings arrive every 20 s
    for (int b = 0; b < 4; ++b) {
      for (int i = 0; i < 10; ++i) comm_seen(s, b * 20'000 + i * 2000, b * 20'000 + 19'000);
    }
    CHECK(poll_period_ms(rule, s) == 20'000);
    const std::int64_t last = 3 * 20'000 + 19'000;
    CHECK(judge_comm(rule, s, last + 60'000).level == Level::normal);
    CHECK(judge_comm(rule, s, last + 60'001).level == Level::yellow);
  }
}
