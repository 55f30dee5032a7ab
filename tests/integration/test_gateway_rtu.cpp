// The gateway on a Modbus RTU line (a socat pseudo-terminal pair) with several models,
// checked against the datasheets' worked examples; one device unplugged (issue #3). Waits are
// for what happens (readings the gateway measured), each bounded by HUNG_RUN only.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/support/broker.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/mqtt_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/pty_pair.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

json point(int http_port, const std::string& id, const std::string& token) {
  const auto res = http_request(http_port, "GET", "/api/v1/status", "", token);
  const auto status = json::parse(res.body);  // kept: a temporary would die before the loop body
  for (const auto& p : status["points"]) {
    if (p["point"] == id) return p;
  }
  return nullptr;
}

/// Readings of a point stored with a measurement time after `since_ms` and this status
/// ("ok" for a good reading, "offline" for a device that did not answer).
std::int64_t stored_since(const std::filesystem::path& db, const std::string& id, std::int64_t since_ms,
                          const std::string& status) {
  sqlite3* h = nullptr;
  std::int64_t n = 0;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 5000);  // the aggregator holds its write lock for one batch at most
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM readings WHERE point = ?1 AND ts_ms > ?2 AND status = ?3", -1, &s,
                       nullptr);
    sqlite3_bind_text(s, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, since_ms);
    sqlite3_bind_text(s, 3, status.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return n;
}

/// The measurement time [ms] of the first reading of a point stored with `status`, or 0.
std::int64_t first_with_status(const std::filesystem::path& db, const std::string& id, const std::string& status) {
  sqlite3* h = nullptr;
  std::int64_t ts = 0;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 5000);  // the aggregator holds its write lock for one batch at most
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(h, "SELECT MIN(ts_ms) FROM readings WHERE point = ?1 AND status = ?2", -1, &s, nullptr);
    sqlite3_bind_text(s, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, status.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) ts = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return ts;
}

}  // namespace

TEST_SUITE("integration.rtu") {
  TEST_CASE("an RTU line with four models - datasheet examples - one device unplugged") {
    TempDir dir;
    Broker broker(dir);
    const PtyPair line(dir);
    const auto& gw_end = line.master();
    const auto& sim_end = line.sim();
    Process sim({bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--rtu", sim_end.string(),
                 "--warmup-s", "0", "--device", "ch4-1=XJ-CH4@1", "--device", "rl-1=XJ-RL80@2", "--device",
                 "vw-1=XJ-VW4@3", "--device", "gd-1=XJ-GD100@4"},
                dir / "sim.log");
    const auto control_line = sim.wait_for_line("control listening on", HUNG_RUN);
    REQUIRE_MESSAGE(control_line, sim.stderr_text());
    REQUIRE(sim.wait_for_line("modbus-rtu serving", HUNG_RUN));
    const int control = port_in(*control_line);

    write_file(dir / "aggregator.toml", "[mqtt]\nuri = \"" + broker.uri() +
                                            "\"\n[http]\nlisten = \"127.0.0.1:0\"\n[storage]\npath = \"lookout.db\"\n");
    const auto token = create_token(dir / "lookout.db", "engineer", "tests");
    Process aggregator({bin("lookout-aggregator"), "--config", (dir / "aggregator.toml").string()},
                       dir / "aggregator.log");
    const auto http_line = aggregator.wait_for_line("HTTP API listening on", HUNG_RUN);
    REQUIRE(http_line);
    const int http = port_in(*http_line);
    REQUIRE(eventually([&] { return aggregator.stderr_text().find("subscribed to") != std::string::npos; },
                       HUNG_RUN));

    write_file(dir / "site.toml",
               "[gateway]\nid = \"gw-1\"\nenterprise = \"xj-dam\"\nsite = \"dam-1\"\ndata_dir = \"gw\"\n"
               "publish_interval_ms = 100\nstatus_interval_s = 1\n[mqtt]\nuri = \"" +
                   broker.uri() + "\"\n[[bus]]\nname = \"rs485-1\"\ntype = \"rtu\"\nport = \"" + gw_end.string() +
                   "\"\nbaud = 9600\ntimeout_ms = 300\n"
                   "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\npoll_ms = 500\n"
                   "[[bus.device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 2\npoll_ms = 500\n"
                   "calibration = { face_elevation = 58.2 }\n"
                   "[[bus.device]]\nname = \"vw-1\"\nmodel = \"XJ-VW4\"\nunit = 3\npoll_ms = 500\n"
                   "calibration = { \"ch1.sensor\" = \"piezometer\", \"ch1.gauge_factor\" = -0.1734, "
                   "\"ch1.thermal_factor\" = 0.05, \"ch1.zero_reading\" = 8650.0, \"ch1.zero_temperature\" = 20.0 }\n"
                   "[[bus.device]]\nname = \"gd-1\"\nmodel = \"XJ-GD100\"\nunit = 4\npoll_ms = 500\n");
    Process gateway({bin("lookout-gateway"), "--config", (dir / "site.toml").string()}, dir / "gateway.log");

    // The sheets' worked examples. XJ-RL80: face at 58.200 m, air gap 2350 mm -> 55.850 m.
    REQUIRE(send_line(control, "set rl-1 air_gap 2350") == "ok");
    // XJ-VW4: f = 2700.0 Hz, T = 18.0 degC -> 235.724 kPa, head 24.037 m.
    REQUIRE(send_line(control, "set vw-1 ch1_freq 2700.0") == "ok");
    REQUIRE(send_line(control, "set vw-1 ch1_temp 18.0") == "ok");
    REQUIRE(send_line(control, "set gd-1 concentration 12.5") == "ok");
    REQUIRE(send_line(control, "set ch4-1 ch4 0.85") == "ok");
    const bool arrived = eventually(
        [&] {
          const auto rl = point(http, "rl-1.level", token);
          const auto vw = point(http, "vw-1.ch1_pore_pressure", token);
          const auto gd = point(http, "gd-1.gas", token);
          return !rl.is_null() && rl["value"].is_number() && !vw.is_null() && vw["value"].is_number() &&
                 !gd.is_null() && gd["value"] == 12.5;
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(arrived, gateway.stderr_text());
    CHECK(point(http, "rl-1.level", token)["value"].get<double>() == doctest::Approx(55.850).epsilon(1e-6));
    CHECK(point(http, "vw-1.ch1_pore_pressure", token)["value"].get<double>() == doctest::Approx(235.724).epsilon(1e-5));
    CHECK(point(http, "vw-1.ch1_head", token)["value"].get<double>() == doctest::Approx(24.037).epsilon(1e-4));
    CHECK(point(http, "ch4-1.ch4", token)["value"] == 0.85);

    // WHEN rl-1's cable is pulled
    REQUIRE(send_line(control, "set rl-1 connected 0") == "ok");
    REQUIRE(eventually([&] { return point(http, "rl-1.level", token).value("status", "") == "offline"; },
                       HUNG_RUN));
    // THEN the others keep being polled after rl-1 went silent: ten more good readings of
    // each, measured (by the gateway's clock) after rl-1's first offline reading; AND rl-1 is
    // still reported at its period, ten more offline readings, not just once
    const auto db = dir / "lookout.db";
    const std::int64_t since = first_with_status(db, "rl-1.level", "offline");
    REQUIRE(since > 0);
    constexpr std::int64_t MORE = 10;
    const bool polled_on = eventually(
        [&] {
          return stored_since(db, "ch4-1.ch4", since, "ok") >= MORE &&
                 stored_since(db, "gd-1.gas", since, "ok") >= MORE &&
                 stored_since(db, "rl-1.level", since, "offline") >= MORE;
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(polled_on, gateway.stderr_text());
    // AND the retained status counts per device: rl-1's timeouts, gd-1's garbled frames
    REQUIRE(send_line(control, "set gd-1 garbage 1") == "ok");
    MqttProbe status(broker.uri(), "lookout/v1/xj-dam/dam-1/gw-1/up/status");
    const auto counted = status.wait_for(
        [](const ProbeMessage& m) {
          const auto j = json::parse(m.payload);
          return j.value("online", false) && j["devices"]["rl-1"]["state"] == "offline" &&
                 j["devices"]["rl-1"]["timeouts"].get<int>() > 0 && j["devices"]["gd-1"]["bad_frames"].get<int>() > 0;
        },
        HUNG_RUN);
    REQUIRE(counted);
    const auto devices = json::parse(counted->payload)["devices"];
    CHECK(devices["ch4-1"]["errors"] == 0);
    CHECK(devices["ch4-1"]["bus"] == "rs485-1");

    CHECK(gateway.stop() == 0);
    CHECK(aggregator.stop() == 0);
    CHECK(sim.stop() == 0);
  }
}
