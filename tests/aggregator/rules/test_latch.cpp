#include <doctest/doctest.h>

#include "aggregator/rules/latch.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

TEST_SUITE("aggregator.rules.latch") {
  TEST_CASE("a power cut latches until the value is below restore and a person resets it") {
    LatchState s;
    // GIVEN a latch at red WHEN red is judged THEN it latches
    CHECK(apply_latch(Level::red, s, Level::red, 1000) == Level::red);
    CHECK(s.latched);
    CHECK(s.since_ms == 1000);
    // WHEN the value falls to normal THEN it stays red
    CHECK(apply_latch(Level::red, s, Level::normal, 2000) == Level::red);
    // WHEN a person resets while the value is still at the power-cut level THEN refused
    auto r = reset_latch(Level::red, s, Level::red);
    CHECK(!r.done);
    CHECK(r.reason.find("still holds") != std::string::npos);
    CHECK(s.latched);
    // WHEN reset after it fell THEN released, and the judged level shows again
    r = reset_latch(Level::red, s, Level::normal);
    CHECK(r.done);
    CHECK(apply_latch(Level::red, s, Level::normal, 3000) == Level::normal);
    CHECK(!reset_latch(Level::red, s, Level::normal).done);  // nothing to reset
  }

  TEST_CASE("a latched point still shows a higher judged level and a rule without latch passes through") {
    LatchState s;
    CHECK(apply_latch(Level::orange, s, Level::orange, 1) == Level::orange);
    CHECK(apply_latch(Level::orange, s, Level::red, 2) == Level::red);
    CHECK(apply_latch(Level::orange, s, Level::blue, 3) == Level::orange);
    LatchState none;
    CHECK(apply_latch(Level::normal, none, Level::red, 1) == Level::red);
    CHECK(apply_latch(Level::normal, none, Level::normal, 2) == Level::normal);
    CHECK(!none.latched);
  }
}
