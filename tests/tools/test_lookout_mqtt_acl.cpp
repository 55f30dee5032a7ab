// Tests for tools/lookout/mqtt_acl.cpp: a gateway's ACL block, replaced not duplicated.
#include <doctest/doctest.h>

#include "tools/lookout/mqtt_acl.hpp"

using namespace lookout::cli;

TEST_SUITE("lookout.provision") {
  TEST_CASE("a gateway may publish its own up and read its own down - nothing else") {
    const GatewayAccount a{"xj-dam", "dam-1", "gw-1", "xj-dam.dam-1.gw-1"};
    CHECK(acl_block(a) ==
          "# lookout provision: gateway gw-1 of xj-dam/dam-1\n"
          "user xj-dam.dam-1.gw-1\n"
          "topic write lookout/v1/xj-dam/dam-1/gw-1/up/#\n"
          "topic read lookout/v1/xj-dam/dam-1/gw-1/down/#\n");
  }

  TEST_CASE("provisioning twice leaves one block - other entries stay") {
    const GatewayAccount a{"e", "s", "gw-1", "e.s.gw-1"};
    const GatewayAccount b{"e", "s", "gw-2", "e.s.gw-2"};
    const std::string admin = "user admin\ntopic readwrite #\n";
    const auto once = upsert_acl(upsert_acl(admin, a), b);
    const auto twice = upsert_acl(once, a);
    CHECK(twice == admin + "\n" + acl_block(b) + "\n" + acl_block(a));
    CHECK(upsert_acl(twice, a) == twice);
    CHECK(upsert_acl("", a) == acl_block(a));
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
}
