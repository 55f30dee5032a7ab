#include <doctest/doctest.h>

#include <set>

#include "aggregator/auth.hpp"

using namespace lookout::aggregator;

namespace {

Principal principal(Role role, const std::string& division = "", const std::string& enterprise = "") {
  TokenRecord t;
  t.role = std::string(to_string(role));
  t.division = division;
  t.enterprise = enterprise;
  return {t, role};
}

Divisions hunan() {
  Divisions d;
  d.set_enterprise("xj-mine", "430211");     // Zhuzhou, Tianyuan district
  d.set_enterprise("xj-chem", "430102");     // Changsha, Furong district
  d.set_site("xj-chem", "plant-2", "430223");  // a plant of it in Zhuzhou (You county)
  return d;
}

}  // namespace

TEST_SUITE("aggregator.auth") {
  TEST_CASE("a regulator sees the sites whose division starts with the token's") {
    const auto d = hunan();
    // GIVEN a Zhuzhou city regulator (4302)
    const auto zhuzhou = principal(Role::regulator, "4302");
    // THEN it sees the Zhuzhou mine and the Zhuzhou plant of a Changsha enterprise
    CHECK(can_see(zhuzhou, d, "xj-mine", "mine-1"));
    CHECK(can_see(zhuzhou, d, "xj-chem", "plant-2"));
    // AND not the enterprise's Changsha sites, nor sites with no division configured
    CHECK(!can_see(zhuzhou, d, "xj-chem", "plant-1"));
    CHECK(!can_see(zhuzhou, d, "unknown", "site"));
    // GIVEN the province (43) THEN all of them that have a division
    const auto province = principal(Role::regulator, "43");
    CHECK(can_see(province, d, "xj-mine", "mine-1"));
    CHECK(can_see(province, d, "xj-chem", "plant-1"));
    CHECK(!can_see(province, d, "unknown", "site"));
    // GIVEN a county (430211) THEN exactly its own
    const auto county = principal(Role::regulator, "430211");
    CHECK(can_see(county, d, "xj-mine", "mine-1"));
    CHECK(!can_see(county, d, "xj-chem", "plant-2"));
    // a regulator token with no division sees nothing (never everything)
    CHECK(!can_see(principal(Role::regulator, ""), d, "xj-mine", "mine-1"));
    // regulators read only
    CHECK(!can_act(zhuzhou));
    CHECK(!can_manage_tokens(zhuzhou));
    CHECK(!can_see_everything(province));
  }

  TEST_CASE("an officer sees and acts within one enterprise - engineers and admins everywhere") {
    const auto d = hunan();
    const auto officer = principal(Role::officer, "", "xj-mine");
    CHECK(can_see(officer, d, "xj-mine", "mine-1"));
    CHECK(can_see(officer, d, "xj-mine", "no-division-site"));
    CHECK(!can_see(officer, d, "xj-chem", "plant-2"));
    CHECK(can_act(officer));
    CHECK(!can_take_out_of_service(officer));
    CHECK(!can_see_everything(officer));
    CHECK(!can_see(principal(Role::officer, "", ""), d, "", "x"));
    const auto engineer = principal(Role::engineer);
    CHECK(can_see(engineer, d, "unknown", "site"));
    CHECK(can_act(engineer));
    CHECK(can_take_out_of_service(engineer));
    CHECK(can_see_everything(engineer));
    CHECK(can_see_everything(principal(Role::admin)));
    CHECK(!can_manage_tokens(engineer));
    CHECK(can_manage_tokens(principal(Role::admin)));
  }

  TEST_CASE("token scopes are checked at creation") {
    CHECK(check_token_scope(Role::regulator, "4302", "").empty());
    CHECK(!check_token_scope(Role::regulator, "", "").empty());
    CHECK(!check_token_scope(Role::regulator, "430", "").empty());
    CHECK(!check_token_scope(Role::regulator, "43a2", "").empty());
    CHECK(!check_token_scope(Role::regulator, "4302", "xj-mine").empty());
    CHECK(check_token_scope(Role::officer, "", "xj-mine").empty());
    CHECK(!check_token_scope(Role::officer, "", "").empty());
    CHECK(check_token_scope(Role::engineer, "", "").empty());
    CHECK(!check_token_scope(Role::admin, "43", "").empty());
    CHECK(role_from_string("officer") == Role::officer);
    CHECK(!role_from_string("root"));
  }

  TEST_CASE("tokens are random - only their SHA-256 is kept") {
    // FIPS 180-2 test vector
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
      const auto t = new_token();
      CHECK(t.size() == 3 + 64);
      CHECK(t.starts_with("lk_"));
      seen.insert(t);
    }
    CHECK(seen.size() == 100);
  }
}
