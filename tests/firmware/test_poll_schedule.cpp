#include <doctest/doctest.h>

#include "firmware/poll_schedule.hpp"

using namespace lookout::firmware;

TEST_SUITE("poll_schedule") {
  TEST_CASE("devices come due at their own periods") {
    PollSchedule s({1000, 300}, {}, 0);
    CHECK(s.next() == 0);
    s.record(0, true, true, 0);
    CHECK(s.next() == 1);
    s.record(1, true, true, 0);
    CHECK(s.due_ms(1) == 300);
    CHECK(s.due_ms(0) == 1000);
    CHECK(s.next() == 1);
  }

  TEST_CASE("a silent device is probed with backoff but still due at its period") {
    // GIVEN a device with a 1 s period that stops answering
    PollSchedule s({1000}, {.max_ms = 8000}, 0);
    s.record(0, true, false, 0);
    // THEN it is still due every second, but the bus is not asked again before 1 s...
    CHECK(s.due_ms(0) == 1000);
    CHECK(!s.should_read(0, 999));
    CHECK(s.should_read(0, 1000));
    s.record(0, true, false, 1000);  // 2 failures: wait 2 s
    CHECK(!s.should_read(0, 2000));
    s.record(0, false, false, 2000);  // offline readings only
    CHECK(s.should_read(0, 3000));
    s.record(0, true, false, 3000);  // 3 failures: 4 s
    CHECK(!s.should_read(0, 6999));
    CHECK(s.should_read(0, 7000));
    for (int i = 0; i < 10; ++i) s.record(0, true, false, 7000);
    CHECK(s.should_read(0, 15000));  // capped at 8 s
    CHECK(!s.should_read(0, 14999));
    // WHEN it answers again THEN it is read at every period
    s.record(0, true, true, 15000);
    CHECK(s.should_read(0, 16000));
    CHECK(s.failures(0) == 0);
  }

  TEST_CASE("a late poll does not bunch the next ones") {
    PollSchedule s({1000}, {}, 0);
    s.record(0, true, true, 5500);  // the bus was busy for 5.5 s
    CHECK(s.due_ms(0) == 5500);
  }

  TEST_CASE("poll now and a faster period") {
    PollSchedule s({10000, 10000}, {}, 0);
    s.record(0, true, false, 0);
    s.record(1, true, true, 0);
    s.poll_now(0, 100);
    CHECK(s.next() == 0);
    CHECK(s.due_ms(0) == 100);
    CHECK(s.should_read(0, 100));
    s.set_period(1, 2000);
    CHECK(s.due_ms(1) == 2000);
  }
}
