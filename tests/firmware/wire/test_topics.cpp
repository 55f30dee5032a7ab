#include <doctest/doctest.h>

#include "firmware/wire/topics.hpp"

using namespace lookout::wire;

TEST_SUITE("wire.topics") {
  TEST_CASE("topics as the design lays them out") {
    const GatewayAddress gw{"ent", "site-1", "gw-1"};
    CHECK(up_topic(gw, "readings") == "lookout/v1/ent/site-1/gw-1/up/readings");
    CHECK(down_topic(gw, "command") == "lookout/v1/ent/site-1/gw-1/down/command");
    CHECK(alarm_topic("ent", "site-1", "ch4-1.ch4") == "lookout/v1/ent/site-1/alarms/ch4-1.ch4");
  }

  TEST_CASE("parsing an up topic") {
    const auto t = parse_up_topic("lookout/v1/ent/site-1/gw-1/up/readings");
    REQUIRE(t);
    CHECK(t->gateway.enterprise == "ent");
    CHECK(t->gateway.gateway == "gw-1");
    CHECK(t->kind == "readings");
    CHECK(!parse_up_topic("lookout/v1/ent/site-1/gw-1/down/readings"));
    CHECK(!parse_up_topic("lookout/v1/ent/site-1/gw-1/up/other"));
    CHECK(!parse_up_topic("lookout/v2/ent/site-1/gw-1/up/readings"));
    CHECK(!parse_up_topic("lookout/v1/ent/site-1/gw-1/up/readings/x"));
    CHECK(!parse_up_topic("lookout/v1//site-1/gw-1/up/readings"));
  }
}
