// A gateway whose wall clock jumps a day forwards and then back (issue #10: an RTC set
// wrong, then put right by NTP): its batches stay numbered in order and live, the aggregator
// flags the clock while it is far ahead of its own, and goes on judging the readings after
// the jump back, which are stamped a day before those it judged last. The gateway runs under
// libfaketime (Debian's libfaketime: its wall clock from a file the test rewrites; its
// monotonic clock, which schedules polls and sends, left alone).
#include <doctest/doctest.h>

#include <cstdlib>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/support/deployment.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

const std::string CLOCK_ALARM = "lookout/v1/xj-mine/mine-1/alarms/gw-1.clock/system_fault";
const std::string METHANE_ALARM = "lookout/v1/xj-mine/mine-1/alarms/ch4-1.ch4";  // a threshold's: no kind
constexpr std::int64_t DAY_S = 86'400;

/// Debian's libfaketime for this machine's architecture; empty when it is not installed.
std::string libfaketime() {
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"}) {
    const std::filesystem::path p = std::filesystem::path(dir) / "faketime" / "libfaketime.so.1";
    if (std::filesystem::exists(p)) return p.string();
  }
  return "";
}

/// The JSON alarm messages `probe` has seen on `topic`, in order.
std::vector<json> alarms_on(MqttProbe& probe, const std::string& topic) {
  std::vector<json> out;
  for (const auto& m : probe.messages()) {
    if (m.topic == topic) out.push_back(json::parse(m.payload));
  }
  return out;
}

}  // namespace

TEST_SUITE("integration.gateway_clock") {
  TEST_CASE("a gateway clock a day ahead is flagged - after it is set back its readings still raise alarms that page") {
    if (const char* programs = std::getenv("LOOKOUT_TEST_PROGRAMS"); programs != nullptr && *programs != '\0') {
      // tools/tsan's instrumented gateway: libfaketime replaces the clock and condition-variable
      // calls beneath ThreadSanitizer, which then reports races inside libfaketime and locks
      // it cannot follow in Paho. The test runs in the normal and the sanitizer builds.
      MESSAGE("SKIPPED: libfaketime under ThreadSanitizer reports its own races");
      return;
    }
    const std::string lib = libfaketime();
    REQUIRE_MESSAGE(!lib.empty(), "libfaketime is not installed (tools/setup test installs it)");
    TempDir clock_dir;
    const auto offset_file = clock_dir / "faketime.rc";
    write_file(offset_file, "+0\n");
    // Under AddressSanitizer the preloaded library comes before its runtime: allowed here.
    const char* asan = std::getenv("ASAN_OPTIONS");
    Deployment d({.gateway_env = {"LD_PRELOAD=" + lib, "FAKETIME_TIMESTAMP_FILE=" + offset_file.string(),
                                  "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1",
                                  "ASAN_OPTIONS=" + std::string(asan ? asan : "") + ":verify_asan_link_order=0"}});
    // A session the broker keeps, reconnecting by itself: it hears what comes after the restart below.
    MqttProbe probe(d.broker->uri(), "lookout/v1/xj-mine/mine-1/alarms/#", true);
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= 3; }, HUNG_RUN));
    CHECK(alarms_on(probe, CLOCK_ALARM).empty());

    // WHEN the gateway's clock jumps a day forwards THEN the aggregator flags it, by how much
    write_file(offset_file, "+1d\n");
    REQUIRE_MESSAGE(eventually([&] { return !alarms_on(probe, CLOCK_ALARM).empty(); }, HUNG_RUN),
                    d.aggregator->stderr_text());
    const auto ahead = alarms_on(probe, CLOCK_ALARM).back();
    CHECK(ahead["level"] == "yellow");
    CHECK(ahead["rule"] == "gateway.clock_ahead");
    CHECK(ahead["unit"] == "s");
    // a day, less the time the batch took to arrive and at most 2 s of rounding
    CHECK(ahead["value"].get<double>() >= DAY_S - 2);
    CHECK(ahead["value"].get<double>() <= DAY_S);

    // AND the gateway connects again while its clock is a day ahead (a broker restart)
    d.broker->restart();
    const std::size_t before_restart = d.stored_seqs().size();
    REQUIRE(eventually([&] { return d.stored_seqs().size() >= before_restart + 5; }, HUNG_RUN));

    // WHEN its clock is set back a day, and methane rises to 1.2 %CH4
    write_file(offset_file, "+0\n");
    const auto seqs_ahead = d.stored_seqs();
    const std::int64_t last_ahead = *std::max_element(seqs_ahead.begin(), seqs_ahead.end());
    d.sim_set("ch4-1", "ch4", "1.20");
    // THEN an orange alarm is raised and pages: the readings, a day "older" than the last
    // ones judged, are judged in the order the gateway made them, and are live, not backfill
    const auto raised = probe.wait_for(
        [](const ProbeMessage& m) {
          if (m.topic != METHANE_ALARM) return false;
          const auto j = json::parse(m.payload);
          return j["level"] == "orange";
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(raised, "no orange methane alarm after the clock was set back; aggregator log:\n"
                                << d.aggregator->stderr_text() << "\ngateway log:\n" << d.gateway->stderr_text());
    const auto alarm = json::parse(raised->payload);
    CHECK(alarm.value("page", true));
    CHECK(alarm["state"] == "active_unacknowledged");
    // AND the clock's fault returns to normal
    REQUIRE(eventually([&] { return alarms_on(probe, CLOCK_ALARM).back()["level"] == "normal"; }, HUNG_RUN));
    CHECK(alarms_on(probe, CLOCK_ALARM).back()["state"] == "returned_unacknowledged");

    // AND the batches stayed numbered in order through both jumps: every one from the
    // first stored once, those after the jump back numbered after those before it
    const auto seqs = d.stored_seqs();
    const std::set<std::int64_t> distinct(seqs.begin(), seqs.end());
    CHECK(distinct.size() == seqs.size());
    CHECK(*distinct.begin() == 1);
    CHECK(*distinct.rbegin() == static_cast<std::int64_t>(distinct.size()));
    const auto later = d.query("SELECT MIN(seq) FROM readings WHERE gateway = 'gw-1' AND point = 'ch4-1.ch4' AND "
                               "value >= 1.2");
    CHECK(later > last_ahead);
    // AND those readings are stamped a day before the ones of the batches before them
    const auto newest_ahead = d.query("SELECT MAX(ts_ms) FROM readings WHERE gateway = 'gw-1' AND seq = " +
                                      std::to_string(last_ahead));
    const auto first_back = d.query("SELECT MIN(ts_ms) FROM readings WHERE gateway = 'gw-1' AND seq = " +
                                    std::to_string(later));
    CHECK(newest_ahead - first_back > (DAY_S - 60) * 1000);
    MESSAGE("batches " << distinct.size() << ", the last a day ahead " << last_ahead << ", the first at 1.2 %CH4 "
                       << later << " stamped " << (newest_ahead - first_back) / 1000 << " s before it");
  }
}
