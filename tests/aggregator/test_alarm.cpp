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

  TEST_CASE("each transition names its event") {
    Alarm a;
    auto t = apply_level(a, Level::orange, "r", 1);
    REQUIRE(t);
    CHECK(t->opened());
    CHECK(event_kind(*t) == "raised");
    a = t->after;
    t = apply_level(a, Level::red, "r", 2);
    CHECK(event_kind(*t) == "escalated");
    CHECK(!t->opened());
    a = t->after;
    t = apply_level(a, Level::orange, "r", 3);
    CHECK(event_kind(*t) == "deescalated");
    CHECK(t->after.state == AlarmState::active_unacknowledged);
    a = t->after;
    t = apply_level(a, Level::normal, "r", 4);
    CHECK(event_kind(*t) == "returned");
    CHECK(!t->closed());
    a.state = AlarmState::active_acknowledged;
    t = apply_level(a, Level::normal, "r", 4);
    CHECK(event_kind(*t) == "cleared");
    CHECK(t->closed());
  }

  TEST_CASE("acknowledge: active becomes acknowledged - returned closes - others are refused") {
    // GIVEN an active unacknowledged red alarm
    const Alarm active{Level::red, AlarmState::active_unacknowledged, "r", 1, 7, 0};
    // WHEN acknowledged THEN it is active acknowledged, same id and level
    auto r = acknowledge(active);
    REQUIRE(std::holds_alternative<AlarmTransition>(r));
    const auto acked = std::get<AlarmTransition>(r).after;
    CHECK(acked.state == AlarmState::active_acknowledged);
    CHECK(acked.id == 7);
    CHECK(acked.level == Level::red);
    // WHEN acknowledged twice THEN refused
    CHECK(std::holds_alternative<AlarmRefusal>(acknowledge(acked)));
    // WHEN an acknowledged alarm escalates... it is unacknowledged again
    Alarm orange = acked;
    orange.level = Level::orange;
    const auto esc = apply_level(orange, Level::red, "r", 5);
    REQUIRE(esc);
    CHECK(esc->after.state == AlarmState::active_unacknowledged);
    // GIVEN a returned unacknowledged alarm WHEN acknowledged THEN normal: the occurrence closes
    const Alarm returned{Level::normal, AlarmState::returned_unacknowledged, "r", 9, 7, 0};
    r = acknowledge(returned);
    REQUIRE(std::holds_alternative<AlarmTransition>(r));
    CHECK(std::get<AlarmTransition>(r).after.state == AlarmState::normal);
    CHECK(std::get<AlarmTransition>(r).closed());
    // GIVEN a normal alarm WHEN acknowledged THEN refused with a reason
    const auto refused = acknowledge(Alarm{});
    REQUIRE(std::holds_alternative<AlarmRefusal>(refused));
    CHECK(std::get<AlarmRefusal>(refused).reason.find("normal") != std::string::npos);
  }

  TEST_CASE("shelving is bounded - levels move underneath - expiry re-annunciates") {
    const Alarm active{Level::orange, AlarmState::active_unacknowledged, "r", 1, 3, 0};
    // WHEN shelved for longer than the bound or for nothing THEN refused
    CHECK(std::holds_alternative<AlarmRefusal>(shelve(active, MAX_SHELVE_MS + 1, 1000)));
    CHECK(std::holds_alternative<AlarmRefusal>(shelve(active, 0, 1000)));
    // WHEN shelved for 10 min at t=1000 ms THEN shelved until 601000 ms
    auto r = shelve(active, 600000, 1000);
    REQUIRE(std::holds_alternative<AlarmTransition>(r));
    Alarm s = std::get<AlarmTransition>(r).after;
    CHECK(s.state == AlarmState::shelved);
    CHECK(s.shelved_until_ms == 601000);
    // WHEN shelved again THEN refused
    CHECK(std::holds_alternative<AlarmRefusal>(shelve(s, 1000, 2000)));
    // WHEN it escalates while shelved THEN the level follows but it stays shelved
    const auto esc = apply_level(s, Level::red, "r", 5000);
    REQUIRE(esc);
    CHECK(esc->after.state == AlarmState::shelved);
    CHECK(esc->after.level == Level::red);
    s = esc->after;
    // WHEN the time has not come THEN nothing expires; WHEN it has THEN active unacknowledged
    CHECK(!expire_shelving(s, 600999));
    const auto ex = expire_shelving(s, 601000);
    REQUIRE(ex);
    CHECK(ex->after.state == AlarmState::active_unacknowledged);
    CHECK(ex->after.shelved_until_ms == 0);
    // WHEN it returned to normal while shelved and is unshelved THEN it closes
    const auto back = apply_level(s, Level::normal, "r", 6000);
    REQUIRE(back);
    CHECK(back->after.state == AlarmState::shelved);
    const auto un = unshelve(back->after);
    REQUIRE(std::holds_alternative<AlarmTransition>(un));
    CHECK(std::get<AlarmTransition>(un).after.state == AlarmState::normal);
    CHECK(std::get<AlarmTransition>(un).closed());
    // unshelving what is not shelved is refused
    CHECK(std::holds_alternative<AlarmRefusal>(unshelve(active)));
  }

  TEST_CASE("out of service holds the alarm until returned to service") {
    const Alarm active{Level::yellow, AlarmState::active_acknowledged, "r", 1, 4, 0};
    auto r = remove_from_service(active);
    REQUIRE(std::holds_alternative<AlarmTransition>(r));
    const Alarm oos = std::get<AlarmTransition>(r).after;
    CHECK(oos.state == AlarmState::out_of_service);
    const auto esc = apply_level(oos, Level::red, "r", 2);
    REQUIRE(esc);
    CHECK(esc->after.state == AlarmState::out_of_service);
    CHECK(!expire_shelving(esc->after, 1LL << 60));
    CHECK(std::holds_alternative<AlarmRefusal>(acknowledge(oos)));
    r = return_to_service(esc->after);
    REQUIRE(std::holds_alternative<AlarmTransition>(r));
    CHECK(std::get<AlarmTransition>(r).after.state == AlarmState::active_unacknowledged);
    CHECK(std::holds_alternative<AlarmRefusal>(return_to_service(active)));
    CHECK(std::holds_alternative<AlarmRefusal>(remove_from_service(Alarm{})));
  }
}
