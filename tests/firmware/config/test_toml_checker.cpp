#include <doctest/doctest.h>

#include "firmware/config/toml_checker.hpp"

using namespace lookout::config;

TEST_SUITE("config.toml_checker") {
  TEST_CASE("a syntax error names file - line and column") {
    TomlChecker c("site.toml");
    c.parse("[gateway]\nid = \"a\"\nenterprise = \n");
    REQUIRE(c.issues().size() == 1);
    CHECK(c.issues()[0].file == "site.toml");
    CHECK(c.issues()[0].line == 3);
    CHECK(c.issues()[0].str().starts_with("site.toml:3:"));
  }

  TEST_CASE("unknown keys are reported with the nearest known key") {
    TomlChecker c("x.toml");
    const auto t = c.parse("[gateway]\nid = \"a\"\nenterprse = \"e\"\n");
    c.only_keys(*t["gateway"].as_table(), "gateway", {"id", "enterprise", "site"});
    REQUIRE(c.issues().size() == 1);
    CHECK(c.issues()[0].str() == "x.toml:3:1: gateway.enterprse: unknown key; did you mean \"enterprise\"?");
  }

  TEST_CASE("types and ranges are checked: every issue is kept") {
    TomlChecker c("x.toml");
    const auto t = c.parse("a = \"1\"\nb = 70000\nc = 5\n");
    CHECK(!c.integer(t, "", "a", true, 0, 10));
    CHECK(!c.integer(t, "", "b", true, 1, 65535));
    CHECK(c.integer(t, "", "c", true, 1, 10) == 5);
    CHECK(!c.string(t, "", "missing", true));
    REQUIRE(c.issues().size() == 3);
    CHECK(c.issues()[0].message == "a: expected an integer, found string");
    CHECK(c.issues()[1].message == "b: 70000 is outside 1..65535");
    CHECK(c.issues()[2].message == "missing: missing (a string)");
    CHECK_THROWS_AS(c.throw_if_any(), ConfigErrors);
  }

  TEST_CASE("nan and inf are no number a setting may take") {
    TomlChecker c("x.toml");
    const auto t = c.parse("orange = nan\nred = inf\nlow = -inf\nok = 2.5\nwhole = 3\n");
    CHECK(!c.number(t, "threshold[0]", "orange", true));
    CHECK(!c.number(t, "threshold[0]", "red", true));
    CHECK(!c.number(t, "threshold[0]", "low", true));
    CHECK(c.number(t, "threshold[0]", "ok", true) == 2.5);
    CHECK(c.number(t, "threshold[0]", "whole", true) == 3.0);
    REQUIRE(c.issues().size() == 3);
    CHECK(c.issues()[0].str() == "x.toml:1:10: threshold[0].orange: expected a finite number, found nan");
    CHECK(c.issues()[1].message == "threshold[0].red: expected a finite number, found inf");
    CHECK(c.issues()[2].message == "threshold[0].low: expected a finite number, found inf");
  }
}
