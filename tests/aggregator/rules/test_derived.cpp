#include <doctest/doctest.h>

#include "aggregator/rules/derived.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

TEST_SUITE("aggregator.rules.derived") {
  TEST_CASE("phreatic depth from the pipe-mouth elevation with the 80 m dam example lines") {
    // GIVEN a piezometer whose pipe mouth is at 110.0 m, design minimum burial depth 5.0 m
    DerivedRule r{"vw-1.phreatic", DerivedKind::phreatic_depth, {"vw-1.ch1_piezometric_level"}, 110.0, 0,
                  derived_lines(DerivedKind::phreatic_depth, 5.0, 6.0, 6.5)};
    // WHEN the piezometric level is 103.8 m THEN depth 6.2 m: blue (<= 6.5)
    auto d = derive(r, {{"vw-1.ch1_piezometric_level", 103.8}});
    REQUIRE(d);
    CHECK(*d == doctest::Approx(6.2));
    CHECK(level_of(r.lines, *d, Level::normal) == Level::blue);
    // red <= 5.0, orange <= 5.5 (1.1 x), yellow <= 6.0
    CHECK(level_of(r.lines, 5.4, Level::normal) == Level::orange);
    CHECK(level_of(r.lines, 5.0, Level::normal) == Level::red);
    CHECK(level_of(r.lines, 5.9, Level::normal) == Level::yellow);
    CHECK(level_of(r.lines, 7.0, Level::normal) == Level::normal);
    // without its input there is no value
    CHECK(!derive(r, {{"other.x", 1.0}}));
  }

  TEST_CASE("freeboard from several water-level points takes the highest water") {
    DerivedRule r{"dam.freeboard", DerivedKind::freeboard, {"rl-1.level", "rl-2.level"}, 250.0, 0,
                  derived_lines(DerivedKind::freeboard, 0.7)};
    const auto d = derive(r, {{"rl-1.level", 249.0}, {"rl-2.level", 249.5}});
    REQUIRE(d);
    CHECK(*d == doctest::Approx(0.5));
    CHECK(level_of(r.lines, *d, Level::normal) == Level::red);
    CHECK(level_of(r.lines, 1.0, Level::normal) == Level::normal);
  }

  TEST_CASE("dry-beach length from the water level and the beach slope") {
    // GIVEN a beach crest at 250 m with a 1 % slope and a 70 m design minimum
    DerivedRule r{"dam.beach", DerivedKind::dry_beach_length, {"rl-1.level"}, 250.0, 0.01,
                  derived_lines(DerivedKind::dry_beach_length, 70.0)};
    // WHEN the water is at 249.2 m THEN the beach is 80 m: no level
    auto d = derive(r, {{"rl-1.level", 249.2}});
    REQUIRE(d);
    CHECK(*d == doctest::Approx(80.0));
    CHECK(level_of(r.lines, *d, Level::normal) == Level::normal);
    // WHEN at 249.35 m THEN 65 m: red
    d = derive(r, {{"rl-1.level", 249.35}});
    CHECK(*d == doctest::Approx(65.0));
    CHECK(level_of(r.lines, *d, Level::normal) == Level::red);
    // a zero slope gives no value rather than a division by zero
    r.beach_slope = 0;
    CHECK(!derive(r, {{"rl-1.level", 249.35}}));
  }
}
