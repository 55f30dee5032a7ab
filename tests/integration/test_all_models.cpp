// The gateway against lookout-sim serving all eight models of ../shared/datasheets, over
// Modbus TCP and over Modbus RTU on a socat pseudo-terminal pair, each value checked against
// its sheet's worked example or conversion rule (issue #3 "Done when").
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/support/broker.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/mqtt_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/pty_pair.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

const std::string READINGS = "lookout/v1/xj-dam/dam-1/gw-1/up/readings";

/// Every reading the gateway sent, by point, in order.
std::map<std::string, std::vector<json>> readings_by_point(MqttProbe& probe) {
  std::map<std::string, std::vector<json>> out;
  for (const auto& m : probe.messages()) {
    const auto batch = json::parse(m.payload);
    for (const auto& r : batch["readings"]) out[r["point"].get<std::string>()].push_back(r);
  }
  return out;
}

/// The latest good value of a point, or NaN.
double latest(MqttProbe& probe, const std::string& point) {
  const auto all = readings_by_point(probe);
  const auto it = all.find(point);
  if (it == all.end()) return NAN;
  for (auto r = it->second.rbegin(); r != it->second.rend(); ++r) {
    if ((*r)["quality"] == "good" && (*r)["value"].is_number()) return (*r)["value"].get<double>();
  }
  return NAN;
}

bool near(double got, double want, double tolerance) { return std::isfinite(got) && std::fabs(got - want) <= tolerance; }

std::string device_block(const std::string& name, const std::string& model, int unit, const std::string& extra = "") {
  return "[[bus.device]]\nname = \"" + name + "\"\nmodel = \"" + model + "\"\nunit = " + std::to_string(unit) +
         "\npoll_ms = 300\n" + extra;
}

/// Runs the eight models on `transport` ("tcp" or "rtu"). Over RTU the XJ-GN1, a Modbus TCP
/// device on its sheet, stays on a TCP bus of the same gateway.
void eight_models(const std::string& transport) {
  TempDir dir;
  Broker broker(dir);
  std::unique_ptr<PtyPair> rtu_line;
  std::vector<std::string> sim_args{bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0",
                                    "--warmup-s", "0"};
  std::filesystem::path gw_end;
  if (transport == "rtu") {
    rtu_line = std::make_unique<PtyPair>(dir);
    gw_end = rtu_line->master();
    sim_args.insert(sim_args.end(), {"--rtu", rtu_line->sim().string()});
  }
  for (const auto* d : {"ch4-1=XJ-CH4@1", "gd-1=XJ-GD100@2", "vw-1=XJ-VW4@3", "rl-1=XJ-RL80@4", "rg-1=XJ-RG2@5",
                        "in-1=XJ-IN3@6", "ar4-1=XJ-AR4@7", "gn-1=XJ-GN1@8"}) {
    sim_args.insert(sim_args.end(), {"--device", d});
  }
  Process sim(sim_args, dir / "sim.log");
  const auto control_line = sim.wait_for_line("control listening on", HUNG_RUN);
  REQUIRE_MESSAGE(control_line, sim.stderr_text());
  const auto tcp_line = sim.wait_for_line("modbus-tcp listening on", HUNG_RUN);
  REQUIRE(tcp_line);
  const int control = port_in(*control_line);
  const std::string tcp_address = "127.0.0.1:" + std::to_string(port_in(*tcp_line));

  // The sheets' examples, set before the first poll.
  for (const auto* line : {"set ch4-1 ch4 0.85", "set gd-1 concentration 12.5", "set vw-1 ch1_freq 2700.0",
                           "set vw-1 ch1_temp 18.0", "set rl-1 air_gap 2350", "set in-1 tilt_x 1.25",
                           "set gn-1 epoch_period_s 1", "set gn-1 d_north 3.0", "set gn-1 d_east 4.0",
                           "set ar4-1 siren 1"}) {
    REQUIRE_MESSAGE(send_line(control, line) == "ok", line);
  }

  const std::string bus = transport == "tcp"
                              ? "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"" + tcp_address + "\"\ntimeout_ms = 300\n"
                              : "[[bus]]\nname = \"rs485-1\"\ntype = \"rtu\"\nport = \"" + gw_end.string() +
                                    "\"\nbaud = 19200\ntimeout_ms = 300\n";
  const std::string gn1 = device_block("gn-1", "XJ-GN1", 8);
  std::string site = "[gateway]\nid = \"gw-1\"\nenterprise = \"xj-dam\"\nsite = \"dam-1\"\ndata_dir = \"gw\"\n"
                     "publish_interval_ms = 100\n[mqtt]\nuri = \"" + broker.uri() + "\"\n" + bus +
                     device_block("ch4-1", "XJ-CH4", 1) + device_block("gd-1", "XJ-GD100", 2) +
                     device_block("vw-1", "XJ-VW4", 3,
                                  "calibration = { \"ch1.sensor\" = \"piezometer\", \"ch1.gauge_factor\" = -0.1734, "
                                  "\"ch1.thermal_factor\" = 0.05, \"ch1.zero_reading\" = 8650.0, "
                                  "\"ch1.zero_temperature\" = 20.0 }\n") +
                     device_block("rl-1", "XJ-RL80", 4, "calibration = { face_elevation = 58.2 }\n") +
                     device_block("rg-1", "XJ-RG2", 5) +
                     device_block("in-1", "XJ-IN3", 6, "calibration = { segment_length_mm = 500, zero_tilt_x = 0.25, zero_tilt_y = 0.0 }\n") +
                     device_block("ar4-1", "XJ-AR4", 7);
  site += transport == "tcp" ? gn1 : "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"" + tcp_address + "\"\n" + gn1;
  write_file(dir / "site.toml", site);

  MqttProbe probe(broker.uri(), READINGS);
  Process gateway({bin("lookout-gateway"), "--config", (dir / "site.toml").string()}, dir / "gateway.log");

  // THEN each value is the sheet's: XJ-CH4 0.85 %CH4 ...
  const bool first = eventually(
      [&] {
        return near(latest(probe, "ch4-1.ch4"), 0.85, 1e-9) && near(latest(probe, "gd-1.gas"), 12.5, 1e-9) &&
               near(latest(probe, "vw-1.ch1_pore_pressure"), 235.724, 1e-3) &&
               near(latest(probe, "rl-1.level"), 55.850, 1e-6) && near(latest(probe, "in-1.dx"), 8.726, 1e-3) &&
               near(latest(probe, "gn-1.horizontal"), 5.0, 1e-6) && near(latest(probe, "ar4-1.siren"), 1.0, 0);
      },
      HUNG_RUN);
  REQUIRE_MESSAGE(first, gateway.stderr_text());
  // ... XJ-VW4 f = 2700.0 Hz, T = 18.0 degC -> 235.724 kPa, head 24.037 m
  CHECK(near(latest(probe, "vw-1.ch1_head"), 24.037, 1e-3));
  // ... XJ-IN3 L = 0.5 m, theta0 0.250 deg, theta 1.250 deg -> 8.726 mm
  CHECK(near(latest(probe, "in-1.tilt_x"), 1.25, 1e-9));
  // ... XJ-GN1 horizontal = sqrt(3^2 + 4^2), one reading per epoch
  const auto all = readings_by_point(probe);
  std::set<std::int64_t> epochs;
  for (const auto& r : all.at("gn-1.horizontal")) epochs.insert(r["ts"].get<std::int64_t>());
  CHECK(epochs.size() == all.at("gn-1.horizontal").size());
  // ... XJ-AR4 coils and its reset input
  CHECK(near(latest(probe, "ar4-1.power_cut"), 0.0, 0));
  CHECK(near(latest(probe, "ar4-1.reset_button"), 0.0, 0));

  // XJ-RG2: rainfall per interval = tips x 0.2 mm (default resolution); 25 tips are 5.0 mm in all
  REQUIRE(send_line(control, "set rg-1 add_tips 25") == "ok");
  const auto rain_sum = [&] {
    double sum = 0;
    const auto by = readings_by_point(probe);
    if (by.count("rg-1.rain") == 0) return 0.0;
    for (const auto& r : by.at("rg-1.rain")) sum += r["value"].is_number() ? r["value"].get<double>() : 0.0;
    return sum;
  };
  CHECK_MESSAGE(eventually([&] { return near(rain_sum(), 5.0, 1e-9); }, HUNG_RUN), rain_sum());
  CHECK(gateway.stop() == 0);
}

}  // namespace

TEST_SUITE("integration.models") {
  TEST_CASE("all eight models over Modbus TCP - datasheet examples") { eight_models("tcp"); }
  TEST_CASE("all eight models over Modbus RTU on a pty - datasheet examples") { eight_models("rtu"); }
}
