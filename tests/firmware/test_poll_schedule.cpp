#include <doctest/doctest.h>

#include <map>

#include "firmware/device_poller.hpp"
#include "firmware/poll_schedule.hpp"

using namespace lookout::firmware;

namespace {

/// Time as the bus spends it: only the fake bus and the loop's waits move it.
class SteppedClock final : public Clock {
 public:
  std::int64_t now = 0;  ///< [ms]
  std::int64_t utc_ms() const override { return now; }
  std::int64_t monotonic_ms() const override { return now; }
};

/// An RS-485 line of XJ-CH4s in memory. An answer takes ANSWER_MS; a request to a unit that
/// is not there takes the whole timeout, once per attempt, as libmodbus waits it out.
class LineBus final : public ModbusBus {
 public:
  /// [ms] 9600 baud: a 3-register read (8-byte request, 11-byte answer, 11 bits a character)
  /// is 20 ms on the wire; with the device's turnaround and the frame gaps, 30 ms.
  static constexpr std::int64_t ANSWER_MS = 30;

  explicit LineBus(SteppedClock& clock) : clock_(clock) {}
  std::map<int, bool> present;  ///< unit -> answers
  std::map<int, int> requests;  ///< unit -> requests made
  int timeout_ms = 500;         ///< the bus defaults (docs/config.md)
  int retries = 1;

  BusResult read_registers(int unit, RegisterKind, std::uint16_t, std::uint16_t count,
                           std::vector<std::uint16_t>& out) override {
    for (int attempt = 0; attempt <= retries; ++attempt) {
      ++requests[unit];
      if (present[unit]) {
        clock_.now += ANSWER_MS;
        out.assign(count, 0);
        out[0] = 40;  // 0.40 %CH4
        return {};
      }
      clock_.now += timeout_ms;
    }
    return {BusError::timeout, "no answer"};
  }
  void set_patience(int t, int r) override {
    timeout_ms = t;
    retries = r;
  }

 private:
  SteppedClock& clock_;
};

/// Runs `schedule` over `pollers` on `bus` until `end_ms`, as gateway/bus_worker.cpp does;
/// returns each device's reading times [ms].
std::vector<std::vector<std::int64_t>> run_bus(PollSchedule& schedule, std::vector<DevicePoller>& pollers,
                                               LineBus& bus, SteppedClock& clock, std::int64_t end_ms) {
  std::vector<std::vector<std::int64_t>> times(pollers.size());
  while (clock.now < end_ms) {
    // A probe waits up to the bus timeout, 500 ms; besides, a request holds the line
    // ANSWER_MS, and the gateway allows 50 ms for its own wake-up (bus_worker.cpp).
    const auto step = schedule.step(clock.now, 500, 50);
    auto& p = pollers[step.device];
    switch (step.kind) {
      case PollStep::Kind::wait: clock.now = step.until_ms; break;
      case PollStep::Kind::offline:
        times[step.device].push_back(p.offline_readings(clock.now).at(0).ts_ms);
        schedule.record(step.device, false, false, clock.now);
        break;
      case PollStep::Kind::poll: {
        const auto r = p.poll(bus, clock);
        times[step.device].push_back(r.at(0).ts_ms);
        schedule.record(step.device, true, p.online(), clock.now);
        break;
      }
      case PollStep::Kind::probe: {
        bus.set_patience(static_cast<int>(step.timeout_ms), 0);
        const auto r = p.poll(bus, clock);
        bus.set_patience(500, 1);
        if (p.online()) times[step.device].push_back(r.at(0).ts_ms);
        schedule.record_probe(step.device, p.online(), clock.now);
        break;
      }
    }
  }
  return times;
}

}  // namespace

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

  TEST_CASE("a silent device is reported at its period and probed with backoff") {
    // GIVEN a device with a 1 s period that stops answering
    PollSchedule s({1000}, {.max_ms = 8000}, 0);
    s.record(0, true, false, 0);
    // THEN it is still due every second, as offline readings that leave the bus alone...
    CHECK(s.due_ms(0) == 1000);
    CHECK(!s.should_read(0));
    CHECK(s.step(1000, 100).kind == PollStep::Kind::offline);
    s.record(0, false, false, 1000);
    // ... and probed after 1 s, then 2 s, 4 s, capped at 8 s
    CHECK(s.next_probe_ms(0) == 1000);
    const auto probe = s.step(1001, 100);
    CHECK(probe.kind == PollStep::Kind::probe);
    s.record_probe(0, false, 1101);  // 2 failures: wait 2 s
    CHECK(s.next_probe_ms(0) == 3101);
    s.record_probe(0, false, 3101);  // 3 failures: 4 s
    CHECK(s.next_probe_ms(0) == 7101);
    for (int i = 0; i < 10; ++i) s.record_probe(0, false, 7101);
    CHECK(s.next_probe_ms(0) == 15101);
    // WHEN a probe is answered THEN it is read at every period again
    s.record_probe(0, true, 15101);
    CHECK(s.failures(0) == 0);
    CHECK(s.should_read(0));
  }

  TEST_CASE("a probe goes only in a gap before the next poll or write - waiting no longer than the gap") {
    // GIVEN device 0 silent and due to be probed, device 1 polled every 2 s, due at 2000
    PollSchedule s({2000, 2000}, {}, 0);
    s.record(0, true, false, 0);   // probe from 2000
    s.record(1, true, true, 0);    // due 2000
    s.record(0, false, false, 2000);
    s.record(1, true, true, 2000);  // due 4000
    // WHEN the probe time has come with 600 ms left before device 1's poll
    // THEN a probe of 500 ms goes with its whole timeout
    auto p = s.step(3400, 500);
    CHECK(p.kind == PollStep::Kind::probe);
    CHECK(p.timeout_ms == 500);
    // AND one of 1000 ms goes waiting 600 ms less the overhead of its request
    p = s.step(3400, 1000, 50);
    CHECK(p.kind == PollStep::Kind::probe);
    CHECK(p.timeout_ms == 550);
    // AND one of 1200 ms does not, as the gap leaves it less than half its timeout
    const auto wait = s.step(3400, 1200, 50);
    CHECK(wait.kind == PollStep::Kind::wait);
    CHECK(wait.until_ms == 4000);
    // AND a write due at 3500 is a poll the probe must not delay either
    CHECK(s.step(3400, 500, 0, 3500).kind == PollStep::Kind::wait);
    p = s.step(3400, 500, 0, 3700);
    CHECK(p.timeout_ms == 300);
  }

  TEST_CASE("on a bus with no gap long enough a probe goes once overdue by the backoff limit") {
    // GIVEN device 0 silent, its probe due at 1000, limit 1 s; device 1 due 10 ms after 2000
    PollSchedule s({1000, 1000}, {.max_ms = 1000}, 0);
    s.record(0, true, false, 0);
    s.record(0, false, false, 1000);
    s.record(0, false, false, 2000);  // next offline readings at 3000
    s.record(1, true, true, 2010);    // due 2010
    // THEN a 700 ms probe never has half its timeout; it waits while less than the limit
    // overdue, then goes with its whole timeout
    CHECK(s.step(1999, 700).kind == PollStep::Kind::wait);
    const auto p = s.step(2000, 700);
    CHECK(p.kind == PollStep::Kind::probe);
    CHECK(p.timeout_ms == 700);
  }

  TEST_CASE("the operator's poll now reads a silent device on the bus") {
    PollSchedule s({10000}, {}, 0);
    s.record(0, true, false, 0);
    CHECK(!s.should_read(0));
    s.poll_now(0, 100);
    CHECK(s.should_read(0));
    CHECK(s.step(100, 500).kind == PollStep::Kind::poll);
    s.record(0, true, false, 100);
    CHECK(!s.should_read(0));
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
    CHECK(s.should_read(0));
    s.set_period(1, 2000);
    CHECK(s.due_ms(1) == 2000);
  }

  TEST_CASE("a dead device on an RTU bus never shifts the others - 2 s period - three devices") {
    // GIVEN three XJ-CH4s polled every 2 s on one line, the middle one (unit 2) dead, and the
    // bus defaults: 500 ms timeout, one retry; a probe asks once within 500 ms
    SteppedClock clock;
    LineBus bus(clock);
    bus.present = {{1, true}, {2, false}, {3, true}};
    std::vector<DevicePoller> pollers;
    for (int unit = 1; unit <= 3; ++unit) {
      pollers.emplace_back(DeviceSpec{"ch4-" + std::to_string(unit), unit, find_profile("XJ-CH4"), 2000, 8});
    }
    PollSchedule schedule({2000, 2000, 2000}, {}, 0);
    // WHEN the bus runs for an hour, long enough for the probes to back off to their limit
    const auto times = run_bus(schedule, pollers, bus, clock, 3'600'000);
    // THEN every interval of the live devices is within +-20 % of 2 s, from the second round
    // on (the poll in which unit 2 is first found silent costs the round once: 1 s)
    for (const std::size_t live : {std::size_t{0}, std::size_t{2}}) {
      CAPTURE(live);
      const auto& t = times[live];
      REQUIRE(t.size() > 1700);  // 3600 s / 2 s
      int outside = 0;
      for (std::size_t i = 2; i < t.size(); ++i) {
        const auto interval = t[i] - t[i - 1];
        if (interval < 1600 || interval > 2400) {
          ++outside;
          CAPTURE(i);
          CHECK(interval >= 1600);
          CHECK(interval <= 2400);
        }
      }
      CHECK(outside == 0);
    }
    // AND the dead device is still reported at its period, as offline readings
    const auto& dead = times[1];
    for (std::size_t i = 1; i < dead.size(); ++i) CHECK(dead[i] - dead[i - 1] <= 2400);
    // AND it was probed: after 1, 2, 4 ... periods, then once a minute (about 60 probes an hour)
    CHECK(bus.requests[2] >= 55);
    CHECK(bus.requests[2] <= 2 + 70);
  }

  TEST_CASE("a dead device that comes back is found by a probe and polled at its period again") {
    SteppedClock clock;
    LineBus bus(clock);
    bus.present = {{1, true}, {2, false}};
    std::vector<DevicePoller> pollers;
    pollers.emplace_back(DeviceSpec{"ch4-1", 1, find_profile("XJ-CH4"), 2000, 8});
    pollers.emplace_back(DeviceSpec{"ch4-2", 2, find_profile("XJ-CH4"), 2000, 8});
    PollSchedule schedule({2000, 2000}, {}, 0);
    run_bus(schedule, pollers, bus, clock, 300'000);
    CHECK(!pollers[1].online());
    // WHEN unit 2 answers again THEN within one backoff limit (60 s) and a period it is online
    bus.present[2] = true;
    run_bus(schedule, pollers, bus, clock, 300'000 + 62'000);
    CHECK(pollers[1].online());
    CHECK(schedule.failures(1) == 0);
    const auto polls = pollers[1].counters().polls;
    run_bus(schedule, pollers, bus, clock, 300'000 + 62'000 + 20'000);
    CHECK(pollers[1].counters().polls - polls >= 9);  // every 2 s again: 10 in 20 s
  }
}
