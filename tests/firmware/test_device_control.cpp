// What the gateway writes to a device and when: an XJ-AR4's coils and heartbeat, an XJ-GN1's
// mode (datasheets/XJ-AR4.md, XJ-GN1.md). Time is an argument.
#include <doctest/doctest.h>

#include <limits>

#include "firmware/device_control.hpp"

using namespace lookout::firmware;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;
using lookout::wire::Reading;

namespace {

DeviceSpec ar4(int heartbeat_s) {
  DeviceSpec s{"ar4-1", 2, find_profile("XJ-AR4"), 2000, 8};
  s.heartbeat_s = heartbeat_s;
  return s;
}

Reading coil(const std::string& name, bool on) {
  return {"ar4-1." + name, "relay_state", on ? 1.0 : 0.0, "", 1, Quality::good, DeviceStatus::ok};
}

void do_all(DeviceControl& c, std::int64_t now) {
  for (const auto& w : c.due(now)) c.done(w, true, now);
}

}  // namespace

TEST_SUITE("device_control") {
  TEST_CASE("an output module gets its heartbeat timeout and then all four coils") {
    DeviceControl c(ar4(30));
    // GIVEN no interlock has spoken yet THEN only the heartbeat is due
    auto due = c.due(0);
    REQUIRE(due.size() == 1);
    CHECK(due[0].kind == DeviceWrite::Kind::holding);
    CHECK(due[0].address == 0);  // HR 0 heartbeat_timeout_s
    CHECK(due[0].value == 30);
    do_all(c, 0);
    // WHEN the edge wants the power cut and the beacon
    c.want_outputs({{"power_cut", true}, {"beacon", true}});
    due = c.due(100);
    REQUIRE(due.size() == 1);
    CHECK(due[0].kind == DeviceWrite::Kind::coils);
    CHECK(due[0].address == 0);
    CHECK(due[0].coils == std::vector<bool>{false, true, true, false});  // siren, beacon, power_cut, spare
    do_all(c, 100);
    // THEN nothing more until the heartbeat refresh at a third of the timeout
    CHECK(c.due(5000).empty());
    CHECK(c.next_due_ms(5000) == 100 + 10000);
    due = c.due(10100);
    REQUIRE(due.size() == 1);
    CHECK(due[0].routine);
    // AND the same coils again are no new write
    c.want_outputs({{"power_cut", true}, {"beacon", true}});
    do_all(c, 10100);
    CHECK(c.due(10200).empty());
  }

  TEST_CASE("coils read back wrong are written again - a beacon the heartbeat set is cleared") {
    DeviceControl c(ar4(0));
    c.want_outputs({{"siren", false}});
    do_all(c, 0);
    CHECK(c.due(1).empty());
    // WHEN a poll reads the beacon on (the module set it while the gateway was away)
    c.after_poll({coil("siren", false), coil("beacon", true), coil("power_cut", false), coil("spare", false)}, true);
    const auto due = c.due(2);
    REQUIRE(due.size() == 1);
    CHECK(due[0].coils == std::vector<bool>{false, false, false, false});
  }

  TEST_CASE("a failed write is tried again after a pause - a module back from silence is set up again") {
    DeviceControl c(ar4(30));
    c.want_outputs({{"power_cut", true}});
    auto due = c.due(0);
    REQUIRE(due.size() == 2);
    c.done(due[0], false, 0);
    CHECK(c.due(500).empty());
    CHECK(c.next_due_ms(500) == DeviceControl::RETRY_MS);
    do_all(c, DeviceControl::RETRY_MS);
    CHECK(c.due(DeviceControl::RETRY_MS + 1).empty());
    // WHEN it stops answering and comes back THEN heartbeat and coils are written again
    c.after_poll({}, false);
    c.after_poll({coil("power_cut", true)}, true);
    CHECK(c.due(DeviceControl::RETRY_MS + 2).size() == 2);
  }

  TEST_CASE("a silent module gets no writes - a module refusing writes is tried less and less often") {
    DeviceControl c(ar4(30));
    c.want_outputs({{"power_cut", true}});
    // WHEN a poll finds it silent THEN nothing is written: the bus is left to the others
    c.after_poll({}, false);
    CHECK(c.due(0).empty());
    CHECK(c.next_due_ms(0) == std::numeric_limits<std::int64_t>::max());
    // WHEN it answers polls but every write fails THEN the waits double up to 30 s
    c.after_poll({coil("power_cut", false)}, true);
    std::int64_t now = 0;
    std::vector<std::int64_t> waits;
    for (int i = 0; i < 7; ++i) {
      const auto due = c.due(now);
      REQUIRE_FALSE(due.empty());
      c.done(due[0], false, now);
      waits.push_back(c.next_due_ms(now) - now);
      now = c.next_due_ms(now);
    }
    CHECK(waits == std::vector<std::int64_t>{1000, 2000, 4000, 8000, 16000, 30000, 30000});
    // AND one success resets it
    for (const auto& w : c.due(now)) c.done(w, true, now);
    c.want_outputs({{"power_cut", false}});
    c.done(c.due(now + 1).at(0), false, now + 1);
    CHECK(c.next_due_ms(now + 1) == now + 1 + 1000);
  }

  TEST_CASE("a module no interlock names keeps its coils - only its heartbeat is kept") {
    DeviceControl c(ar4(30));
    do_all(c, 0);
    c.after_poll({coil("siren", true)}, true);
    CHECK(c.due(1).empty());
  }

  TEST_CASE("an XJ-GN1 station is set to static at start and to fast-static in a warning") {
    DeviceSpec s{"gn-1", 1, find_profile("XJ-GN1"), 60000, 8};
    s.fast_poll_ms = 10000;
    DeviceControl c(s);
    auto due = c.due(0);
    REQUIRE(due.size() == 1);
    CHECK(due[0].address == 20);  // HR 20 mode
    CHECK(due[0].value == 0);
    do_all(c, 0);
    CHECK(c.period_ms() == 60000);
    c.want_fast(true);
    CHECK(c.period_ms() == 10000);
    due = c.due(1);
    REQUIRE(due.size() == 1);
    CHECK(due[0].value == 1);
    do_all(c, 1);
    CHECK(c.due(2).empty());
    c.want_fast(false);
    CHECK(c.due(3).at(0).value == 0);
  }

  TEST_CASE("a gas sensor has nothing to write") {
    DeviceControl c(DeviceSpec{"ch4-1", 1, find_profile("XJ-CH4"), 2000, 8});
    c.want_outputs({{"siren", true}});
    c.want_fast(true);
    CHECK(c.due(0).empty());
    CHECK(c.period_ms() == 2000);  // no fast_poll_ms
  }
}
