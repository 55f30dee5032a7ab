// The rule engine over a real Mosquitto (issue #4): sequence gaps, duplicates, and
// communication loss from silence and from a gateway's last will.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "firmware/wire/messages.hpp"
#include "tests/support/deployment.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

std::string batch(const char* gateway, std::uint64_t seq, double ch4) {
  return json{{"v", 1},
              {"gateway", gateway},
              {"seq", seq},
              {"boot", 1},
              {"readings",
               {{{"point", "ch4-9.ch4"},
                 {"quantity", "methane"},
                 {"value", ch4},
                 {"unit", "%CH4"},
                 {"ts", 1764100000000 + static_cast<std::int64_t>(seq) * 1000},
                 {"quality", "good"}}}}}
      .dump();
}

/// An alarm message on the topic of a point's alarm of one kind.
std::optional<lookout::wire::AlarmMessage> alarm_of(const ProbeMessage& m, const std::string& point,
                                                    const std::string& kind) {
  if (m.topic != "lookout/v1/xj-mine/mine-1/alarms/" + point + "/" + kind) return std::nullopt;
  auto d = lookout::wire::decode_alarm(m.payload);
  if (!std::holds_alternative<lookout::wire::AlarmMessage>(d)) return std::nullopt;
  return std::get<lookout::wire::AlarmMessage>(d);
}

}  // namespace

TEST_SUITE("integration.rules") {
  TEST_CASE("a sequence gap is recorded and a duplicate batch is stored once") {
    Deployment d;
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    // GIVEN a second gateway of the site (the probe speaks for it): batches 1, 2, 2 again, 6
    const std::string topic = "lookout/v1/xj-mine/mine-1/gw-9/up/readings";
    for (const std::uint64_t seq : {1, 2, 2, 6}) probe.publish(topic, batch("gw-9", seq, 0.2));
    // THEN the gap 3..5 is recorded with when it was seen
    REQUIRE(eventually([&] { return d.query("SELECT COUNT(*) FROM sequence_gaps WHERE gateway = 'gw-9'") == 1; },
                       HUNG_RUN));
    CHECK(d.query("SELECT from_seq FROM sequence_gaps WHERE gateway = 'gw-9'") == 3);
    CHECK(d.query("SELECT to_seq FROM sequence_gaps WHERE gateway = 'gw-9'") == 5);
    CHECK(d.query("SELECT seen_ms FROM sequence_gaps WHERE gateway = 'gw-9'") > 1764000000000);
    // AND the duplicate was stored once: three batches, three readings
    CHECK(d.query("SELECT COUNT(*) FROM batches WHERE gateway = 'gw-9'") == 3);
    CHECK(d.query("SELECT COUNT(*) FROM readings WHERE gateway = 'gw-9'") == 3);
    // AND the real gateway, publishing steadily, has no gap
    CHECK(d.query("SELECT COUNT(*) FROM sequence_gaps WHERE gateway = 'gw-1'") == 0);
    // WHEN the missing batches come late THEN they fill the gap
    for (const std::uint64_t seq : {3, 4, 5}) probe.publish(topic, batch("gw-9", seq, 0.2));
    REQUIRE(eventually([&] { return d.query("SELECT COUNT(*) FROM batches WHERE gateway = 'gw-9'") == 6; },
                       HUNG_RUN));
    CHECK(d.query("SELECT COUNT(*) FROM sequence_gaps") == 1);  // no new gap
  }

  TEST_CASE("communication loss is raised when a gateway's last will fires and clears when it is back") {
    Deployment d;
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    REQUIRE(d.wait_status("gd-1.gas", [](const json&) { return true; }));
    // WHEN the gateway dies without a word (the broker publishes its last will)
    d.gateway->kill_hard();
    // THEN each of its points has a communication-loss alarm of its own, at once
    for (const std::string point : {"ch4-1.ch4", "gd-1.gas"}) {
      CAPTURE(point);
      const auto m = probe.wait_for(
          [&](const ProbeMessage& x) {
            const auto a = alarm_of(x, point, "comm_loss");
            return a && a->level == lookout::wire::Level::yellow;
          },
          HUNG_RUN);
      REQUIRE_MESSAGE(m, d.aggregator->stderr_text());
      const auto a = *alarm_of(*m, point, "comm_loss");
      CHECK(a.rule == "comm.gateway_offline");
      CHECK(a.kind == "comm_loss");
      CHECK(m->retained == false);  // live, not the retained copy
    }
    CHECK(d.aggregator->wait_for_line("comm.gateway_offline", HUNG_RUN));
    // AND the methane process alarm was not touched
    const auto seen = probe.messages();
    CHECK(std::none_of(seen.begin(), seen.end(), [](const ProbeMessage& m) {
      return m.topic == "lookout/v1/xj-mine/mine-1/alarms/ch4-1.ch4";
    }));
    // WHEN the gateway starts again THEN the loss clears with its next reading
    d.start_gateway();
    const auto back = probe.wait_for(
        [](const ProbeMessage& x) {
          const auto a = alarm_of(x, "ch4-1.ch4", "comm_loss");
          return a && a->level == lookout::wire::Level::normal;
        },
        HUNG_RUN);
    CHECK(back);
  }

  TEST_CASE("a device that stops answering is a communication loss after silence - the others are not") {
    Deployment d({}, "[[comm_loss]]\nmultiple = 3\nmin_timeout_s = 2\n");
    MqttProbe probe(d.broker->uri(), "lookout/v1/+/+/alarms/#");
    REQUIRE(d.wait_status("gd-1.gas", [](const json&) { return true; }));
    // WHEN the methane sensor's cable is pulled (the gateway reports it offline, no values)
    d.sim_set("ch4-1", "connected", "0");
    // THEN after the silence a comm-loss alarm for its points, by silence
    const auto m = probe.wait_for(
        [](const ProbeMessage& x) {
          const auto a = alarm_of(x, "ch4-1.ch4", "comm_loss");
          return a && a->level == lookout::wire::Level::yellow;
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(m, d.aggregator->stderr_text());
    CHECK(alarm_of(*m, "ch4-1.ch4", "comm_loss")->rule == "comm.no_data");
    CHECK(d.status_of("ch4-1.ch4").value("status", "") == "offline");
    // AND the gas detector, still answering, has none
    for (const auto& x : probe.messages()) {
      const auto a = alarm_of(x, "gd-1.gas", "comm_loss");
      CHECK_MESSAGE((!a || a->level == lookout::wire::Level::normal), x.payload);
    }
    // WHEN it is plugged back THEN the loss clears
    d.sim_set("ch4-1", "connected", "1");
    CHECK(probe.wait_for(
        [](const ProbeMessage& x) {
          const auto a = alarm_of(x, "ch4-1.ch4", "comm_loss");
          return a && a->level == lookout::wire::Level::normal;
        },
        HUNG_RUN));
  }
}
