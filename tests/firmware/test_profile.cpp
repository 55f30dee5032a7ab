// Profiles' common parts: options and their checks, state, channels (firmware/profile.cpp).
#include <doctest/doctest.h>

#include "firmware/profile.hpp"

using namespace lookout::firmware;

namespace {

/// A model with one required number, one optional word with choices and one number needed
/// with it.
Profile test_profile() {
  Profile p;
  p.model = "XJ-TEST";
  p.channels = {{"a", "a", "mm"}};
  p.options = {{"elevation", OptionType::number, "m", "face elevation", true},
               {"kind", OptionType::text, "", "what it is", false, "", {"one", "two"}},
               {"factor", OptionType::number, "", "a factor", false, "kind"}};
  return p;
}

bool has_issue(const std::vector<OptionIssue>& issues, std::string_view key) {
  for (const auto& i : issues) {
    if (i.key == key) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("profile") {
  TEST_CASE("device options hold numbers and words by key") {
    DeviceOptions o;
    o.set("elevation", 58.2);
    o.set("kind", std::string("one"));
    CHECK(*o.number("elevation") == 58.2);
    CHECK(!o.text("elevation"));
    CHECK(*o.text("kind") == "one");
    CHECK(!o.number("kind"));
    CHECK(o.has("kind"));
    CHECK(!o.has("other"));
    o.set("elevation", 60.0);  // set again replaces
    CHECK(*o.number("elevation") == 60.0);
    CHECK(o.all().size() == 2);
  }

  TEST_CASE("device state keeps named numbers and starts empty") {
    DeviceState s;
    CHECK(!s.get("tips"));
    s.set("tips", 4294967295.0);
    s.set("tips", 12.0);
    CHECK(*s.get("tips") == 12.0);
    CHECK(s.all().size() == 1);
    s.clear();
    CHECK(!s.get("tips"));
  }

  TEST_CASE("check_options: required - unknown - wrong type - not a choice - needed with") {
    const Profile p = test_profile();
    // GIVEN nothing THEN the required key is missing
    auto issues = check_options(p, {});
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].key == "elevation");
    CHECK(issues[0].message.find("XJ-TEST needs it") != std::string::npos);
    // GIVEN every kind of mistake THEN each names its key
    DeviceOptions o;
    o.set("elevation", std::string("high"));
    o.set("kind", std::string("three"));
    o.set("colour", 1.0);
    issues = check_options(p, o);
    CHECK(issues.size() == 4);
    CHECK(has_issue(issues, "elevation"));
    CHECK(has_issue(issues, "kind"));
    CHECK(has_issue(issues, "colour"));
    CHECK(has_issue(issues, "factor"));  // needed with kind
    // GIVEN a correct set THEN no issue
    DeviceOptions good;
    good.set("elevation", 58.2);
    good.set("kind", std::string("two"));
    good.set("factor", 0.5);
    CHECK(check_options(p, good).empty());
  }

  TEST_CASE("a model without options takes none") {
    Profile p;
    p.model = "XJ-NONE";
    DeviceOptions o;
    o.set("gauge_factor", 1.0);
    const auto issues = check_options(p, o);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].message.find("it takes none") != std::string::npos);
  }

  TEST_CASE("device_channels: the profile's channels unless they depend on options") {
    Profile p = test_profile();
    CHECK(device_channels(p, {}).size() == 1);
    p.channels_for = [](const DeviceOptions& o) {
      return o.has("kind") ? std::vector<ChannelSpec>{{"a", "a", "mm"}, {"b", "b", "m"}}
                           : std::vector<ChannelSpec>{{"a", "a", "mm"}};
    };
    DeviceOptions o;
    o.set("kind", std::string("one"));
    CHECK(device_channels(p, o).size() == 2);
  }
}
