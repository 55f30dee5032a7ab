#include <doctest/doctest.h>

#include "aggregator/rules/rollup.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

TEST_SUITE("aggregator.rules.rollup") {
  TEST_CASE("GB 39496 roll-up: 4 blue make yellow - 3 yellow make orange - 2 orange make red") {
    using L = Level;
    CHECK(quantity_level({}) == L::normal);
    CHECK(quantity_level({L::blue, L::blue, L::blue}) == L::blue);
    CHECK(quantity_level({L::blue, L::blue, L::blue, L::blue}) == L::yellow);
    CHECK(quantity_level({L::yellow, L::yellow, L::normal}) == L::yellow);
    CHECK(quantity_level({L::yellow, L::yellow, L::yellow}) == L::orange);
    CHECK(quantity_level({L::orange, L::normal, L::blue}) == L::orange);
    CHECK(quantity_level({L::orange, L::orange}) == L::red);
    // a yellow point counts among the blue ones: 3 blue and 1 yellow are 4 at blue or above
    CHECK(quantity_level({L::blue, L::blue, L::blue, L::yellow}) == L::yellow);
    // one step only: 4 blue make yellow, not orange
    CHECK(quantity_level({L::blue, L::blue, L::blue, L::blue, L::blue, L::blue}) == L::yellow);
  }

  TEST_CASE("roll-up counts are configurable and a site takes its highest quantity") {
    RollupRule strict{2, 2, 0};
    CHECK(quantity_level({Level::blue, Level::blue}, strict) == Level::yellow);
    CHECK(quantity_level({Level::orange, Level::orange}, strict) == Level::orange);  // 0: off
    CHECK(site_level({Level::blue, Level::orange, Level::normal}) == Level::orange);
    CHECK(site_level({}) == Level::normal);
  }
}
