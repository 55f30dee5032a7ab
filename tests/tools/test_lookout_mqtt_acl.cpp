// Tests for tools/lookout/mqtt_acl.cpp: gateways' and the aggregator's ACL blocks, replaced
// not duplicated, and whose a user already is.
#include <doctest/doctest.h>

#include "tools/lookout/mqtt_acl.hpp"

using namespace lookout::cli;

TEST_SUITE("lookout.provision") {
  TEST_CASE("a gateway may publish its own up and read its own down - nothing else") {
    const GatewayAccount a{"xj-dam", "dam-1", "gw-1", "xj-dam.dam-1.gw-1"};
    CHECK(acl_block(gateway_acl(a)) ==
          "# lookout provision: gateway gw-1 of xj-dam/dam-1\n"
          "user xj-dam.dam-1.gw-1\n"
          "topic write lookout/v1/xj-dam/dam-1/gw-1/up/#\n"
          "topic read lookout/v1/xj-dam/dam-1/gw-1/down/#\n");
  }

  TEST_CASE("the aggregator's listener reads every up - its publisher writes the alarms and down/ack") {
    const auto users = aggregator_acl("agg");
    REQUIRE(users.size() == 2);
    CHECK(acl_block(users[0]) ==
          "# lookout provision: aggregator agg: listener\n"
          "user agg\n"
          "topic read lookout/v1/+/+/+/up/#\n");
    // the publisher's user is the one aggregator/mqtt_link.hpp logs in with
    CHECK(acl_block(users[1]) ==
          "# lookout provision: aggregator agg: publisher\n"
          "user agg-alarms\n"
          "topic write lookout/v1/+/+/alarms/#\n"
          "topic write lookout/v1/+/+/+/down/ack\n");
  }

  TEST_CASE("provisioning twice leaves one block - other entries stay") {
    const auto a = gateway_acl({"e", "s", "gw-1", "e.s.gw-1"});
    const auto b = gateway_acl({"e", "s", "gw-2", "e.s.gw-2"});
    const std::string admin = "user admin\ntopic readwrite #\n";
    const auto once = upsert_acl(upsert_acl(admin, a), b);
    const auto twice = upsert_acl(once, a);
    CHECK(twice == admin + "\n" + acl_block(b) + "\n" + acl_block(a));
    CHECK(upsert_acl(twice, a) == twice);
    CHECK(upsert_acl("", a) == acl_block(a));
  }

  TEST_CASE("whose a user is - from its marker - by hand - nobody's") {
    const auto gw = gateway_acl({"e", "s", "gw-1", "e.s.gw-1"});
    const std::string acl = upsert_acl("user admin\ntopic readwrite #\n", gw);
    CHECK(acl_owner(acl, "e.s.gw-1") == std::optional<std::string>("gateway gw-1 of e/s"));
    CHECK(acl_owner(acl, "admin") == std::optional<std::string>(""));
    CHECK_FALSE(acl_owner(acl, "e.s.gw-2"));
    CHECK_FALSE(acl_owner(acl, "e.s.gw"));  // a whole name, not a prefix
    const std::string passwd = "admin:$7$101$abc\ne.s.gw-1:$7$101$def\n";
    CHECK(has_password(passwd, "admin"));
    CHECK(has_password(passwd, "e.s.gw-1"));
    CHECK_FALSE(has_password(passwd, "e.s.gw"));
    CHECK_FALSE(has_password("", "admin"));
  }

  TEST_CASE("ids that are not topic levels are refused") {
    CHECK_FALSE(topic_id_problem("gw-1_A"));
    CHECK(topic_id_problem(""));
    CHECK(topic_id_problem("gw/1"));
    CHECK(topic_id_problem("gw+"));
    CHECK(topic_id_problem("#"));
    CHECK(topic_id_problem("a\nuser admin"));
    CHECK(topic_id_problem(std::string(65, 'a')));
  }

  TEST_CASE("usernames the two files cannot hold are refused") {
    CHECK_FALSE(username_problem("xj-dam.dam-1.gw-1"));
    CHECK(username_problem(""));
    CHECK(username_problem("a:b"));
    CHECK(username_problem("a b"));
    CHECK(username_problem("a\nuser admin"));
  }
}
