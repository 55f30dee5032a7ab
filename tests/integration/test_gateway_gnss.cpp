// A real gateway restarted while a real XJ-GN1 (lookout-sim, Modbus TCP) still serves the
// same epoch: the solution is measured once, not again after the restart (issue #11 point 8).
#include <doctest/doctest.h>

#include <set>


#include <nlohmann/json.hpp>

#include "tests/support/broker.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/mqtt_probe.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

/// The measurement times [ms] of every gn-1.horizontal reading the gateway has published, in
/// the order published, across its restarts (the probe stays subscribed; QoS 1, in order).
/// A batch sent again (at least once: one in flight when the gateway stopped) counts once.
std::vector<std::int64_t> solutions(MqttProbe& readings) {
  std::vector<std::int64_t> out;
  std::set<std::int64_t> seqs;
  for (const auto& m : readings.messages()) {
    const auto batch = json::parse(m.payload, nullptr, false);
    if (batch.is_discarded() || !batch.contains("readings")) continue;
    if (!seqs.insert(batch.value("seq", std::int64_t{0})).second) continue;
    for (const auto& r : batch["readings"]) {
      if (r["point"] == "gn-1.horizontal") out.push_back(r["ts"].get<std::int64_t>());
    }
  }
  return out;
}

/// Waits for the gateway's retained status of boot `boot` to count at least `polls` polls of gn-1.
bool polled(MqttProbe& status, std::uint64_t boot, std::uint64_t polls) {
  return status
      .wait_for(
          [&](const ProbeMessage& m) {
            const auto j = json::parse(m.payload, nullptr, false);
            return !j.is_discarded() && j.value("boot", 0u) == boot && j.contains("devices") &&
                   j["devices"].contains("gn-1") && j["devices"]["gn-1"].value("polls", 0u) >= polls &&
                   j["devices"]["gn-1"].value("state", "") == "online";
          },
          HUNG_RUN)
      .has_value();
}

}  // namespace

TEST_SUITE("integration.gnss") {
  TEST_CASE("a gateway restarted on the same XJ-GN1 epoch does not measure that solution again") {
    TempDir dir;
    Broker broker(dir);
    Process sim({bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--device",
                 "gn-1=XJ-GN1@1"},
                dir / "sim.log");
    const auto control_line = sim.wait_for_line("control listening on", HUNG_RUN);
    const auto tcp_line = sim.wait_for_line("modbus-tcp listening on", HUNG_RUN);
    REQUIRE_MESSAGE((control_line && tcp_line), sim.stderr_text());
    const int control = port_in(*control_line);
    // The station keeps its power-on epoch for an hour (mode 0): far longer than this test.
    write_file(dir / "site.toml",
               "[gateway]\nid = \"gw-1\"\nenterprise = \"xj-dam\"\nsite = \"dam-1\"\ndata_dir = \"gw\"\n"
               "publish_interval_ms = 100\nstatus_interval_s = 1\n[mqtt]\nuri = \"" +
                   broker.uri() + "\"\n[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:" +
                   std::to_string(port_in(*tcp_line)) +
                   "\"\ntimeout_ms = 300\n"
                   "[[bus.device]]\nname = \"gn-1\"\nmodel = \"XJ-GN1\"\nunit = 1\npoll_ms = 200\n");
    MqttProbe status(broker.uri(), "lookout/v1/xj-dam/dam-1/gw-1/up/status");
    MqttProbe published(broker.uri(), "lookout/v1/xj-dam/dam-1/gw-1/up/readings");
    const auto run_gateway = [&] {
      return std::make_unique<Process>(
          std::vector<std::string>{bin("lookout-gateway"), "--config", (dir / "site.toml").string()},
          dir / "gateway.log");
    };

    // GIVEN a gateway that has published the station's solution and polled it again
    auto gateway = run_gateway();
    REQUIRE_MESSAGE(polled(status, 1, 2), gateway->stderr_text());
    REQUIRE_MESSAGE(eventually([&] { return !solutions(published).empty(); }, HUNG_RUN), gateway->stderr_text());
    REQUIRE(gateway->stop() == 0);
    const auto first = solutions(published);
    REQUIRE(first.size() == 1);

    // WHEN it starts again and polls the station, which still serves the same epoch
    gateway = run_gateway();
    REQUIRE_MESSAGE(polled(status, 2, 2), gateway->stderr_text());
    // AND the station makes its next solution
    REQUIRE(send_line(control, "set gn-1 new_epoch 1") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return solutions(published).size() >= 2 && solutions(published).back() != first[0]; },
                               HUNG_RUN),
                    gateway->stderr_text());
    // THEN the first solution was published once, the next once after it: batches arrive in
    // order, so had the restarted gateway measured the first again it would be here by now
    CHECK(gateway->stop() == 0);
    const auto all = solutions(published);
    REQUIRE(all.size() == 2);
    CHECK(all[0] == first[0]);
    CHECK(all[1] > first[0]);
    CHECK(sim.stop() == 0);
  }
}
