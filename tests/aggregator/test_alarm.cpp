#include <doctest/doctest.h>

#include "aggregator/alarm.hpp"

using namespace lookout::aggregator;
using lookout::wire::Level;

TEST_SUITE("aggregator.alarm") {
  TEST_CASE("raise - escalate - return: ISA-18.2 states") {
    // GIVEN a normal point
    Alarm a;
    // WHEN orange comes THEN the alarm is active and unacknowledged since the reading's time
    auto t = apply_level(a, Level::orange, "methane.working_face", 1000);
    REQUIRE(t);
    CHECK(t->raised());
    CHECK(t->after.state == AlarmState::active_unacknowledged);
    CHECK(t->after.since_ms == 1000);
    a = t->after;
    // WHEN the same level comes again THEN nothing changes
    CHECK(!apply_level(a, Level::orange, "methane.working_face", 2000));
    // WHEN red comes THEN it escalates, still unacknowledged
    t = apply_level(a, Level::red, "methane.working_face", 3000);
    REQUIRE(t);
    CHECK(t->raised());
    a = t->after;
    // WHEN the value returns to normal unacknowledged THEN it is returned-unacknowledged
    t = apply_level(a, Level::normal, "methane.working_face", 4000);
    REQUIRE(t);
    CHECK(t->cleared());
    CHECK(t->after.state == AlarmState::returned_unacknowledged);
    CHECK(t->after.rule == "methane.working_face");
  }

  TEST_CASE("an acknowledged alarm that returns goes to normal") {
    Alarm a{Level::orange, AlarmState::active_acknowledged, "r", 1};
    const auto t = apply_level(a, Level::normal, "r", 2);
    REQUIRE(t);
    CHECK(t->after.state == AlarmState::normal);
  }

  TEST_CASE("state names") {
    CHECK(to_string(AlarmState::returned_unacknowledged) == "returned_unacknowledged");
    CHECK(alarm_state_from_string("active_acknowledged") == AlarmState::active_acknowledged);
    CHECK(!alarm_state_from_string("nope"));
  }
}
