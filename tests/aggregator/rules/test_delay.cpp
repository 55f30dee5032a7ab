#include <doctest/doctest.h>

#include "aggregator/rules/delay.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

TEST_SUITE("aggregator.rules.delay") {
  TEST_CASE("an on-delay shows a level only after it has held for the delay") {
    // GIVEN a 60 s on-delay and 30 s off-delay (ISA-18.2 level default)
    const Delays d{60'000, 30'000};
    DelayState s;
    // WHEN yellow is judged at t = 0 and t = 59 s THEN it does not show yet
    CHECK(apply_delays(d, s, Level::yellow, 0) == Level::normal);
    CHECK(apply_delays(d, s, Level::yellow, 59'000) == Level::normal);
    // WHEN it still holds at 60 s THEN it shows
    CHECK(apply_delays(d, s, Level::yellow, 60'000) == Level::yellow);
    // WHEN it falls THEN it holds for the off-delay
    CHECK(apply_delays(d, s, Level::normal, 70'000) == Level::yellow);
    CHECK(apply_delays(d, s, Level::normal, 99'999) == Level::yellow);
    CHECK(apply_delays(d, s, Level::normal, 100'000) == Level::normal);
  }

  TEST_CASE("a level that flickers inside the on-delay never shows") {
    const Delays d{60'000, 0};
    DelayState s;
    CHECK(apply_delays(d, s, Level::orange, 0) == Level::normal);
    CHECK(apply_delays(d, s, Level::normal, 30'000) == Level::normal);
    // the clock restarts: 45 s after the new start is not enough
    CHECK(apply_delays(d, s, Level::orange, 40'000) == Level::normal);
    CHECK(apply_delays(d, s, Level::orange, 85'000) == Level::normal);
    CHECK(apply_delays(d, s, Level::orange, 100'000) == Level::orange);
  }

  TEST_CASE("a reading stamped before the wait began restarts it at its time - the wait does not last until that clock is back") {
    const Delays d{60'000, 0};
    DelayState s;
    // GIVEN yellow judged at 1 h (the gateway's clock an hour fast)
    CHECK(apply_delays(d, s, Level::yellow, 3'600'000) == Level::normal);
    // WHEN the clock is set back and yellow holds from 0 s THEN it shows 60 s after that
    CHECK(apply_delays(d, s, Level::yellow, 0) == Level::normal);
    CHECK(apply_delays(d, s, Level::yellow, 59'000) == Level::normal);
    CHECK(apply_delays(d, s, Level::yellow, 60'000) == Level::yellow);
  }

  TEST_CASE("with no delays the judged level shows at once") {
    DelayState s;
    CHECK(apply_delays({}, s, Level::red, 5) == Level::red);
    CHECK(apply_delays({}, s, Level::normal, 6) == Level::normal);
  }
}
