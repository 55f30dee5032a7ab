// Issue #5: a gateway cross-built for an aarch64 board (tools/cross-build xj-gw-a53, which
// tools/test runs), put in a bundle by `lookout bundle`, runs under qemu-user against
// lookout-sim and publishes readings to a real Mosquitto.
// Skipped, with a line saying why, where qemu-user or the cross-built gateway is absent.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/broker.hpp"
#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/mqtt_probe.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// A program on PATH, or "".
std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const auto candidate = fs::path(dir) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

/// The ctest log shows this line, and ctest counts the case as skipped (tests/CMakeLists.txt).
void skip(const std::string& why) { std::cout << "SKIPPED: " << why << std::endl; }

}  // namespace

TEST_SUITE("integration.cross") {
  TEST_CASE("an aarch64 gateway from a bundle runs under qemu-user and publishes readings") {
    const std::string qemu = on_path("qemu-aarch64");
    if (qemu.empty()) {
      skip("qemu-aarch64 is absent: tools/setup installs qemu-user");
      return;
    }
    const fs::path cross = fs::path(LOOKOUT_BIN_DIR).parent_path() / "cross";
    const fs::path gateway_bin = cross / "xj-gw-a53/bin/lookout-gateway";
    const fs::path libs = cross / "sysroot-arm64/usr/lib/aarch64-linux-gnu";
    if (!fs::exists(gateway_bin) || !fs::exists(libs)) {
      skip("no cross-built gateway at " + gateway_bin.string() + ": run tools/cross-build xj-gw-a53 (tools/test does)");
      return;
    }

    TempDir dir;
    Broker broker(dir);
    Process sim({bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--warmup-s", "0",
                 "--device", "ch4-1=XJ-CH4@1", "--device", "gd-1=XJ-GD100@2"},
                dir / "sim.log");
    const auto control_line = sim.wait_for_line("control listening on", HUNG_RUN);
    REQUIRE_MESSAGE(control_line, sim.stderr_text());
    const auto tcp_line = sim.wait_for_line("modbus-tcp listening on", HUNG_RUN);
    REQUIRE(tcp_line);
    REQUIRE(send_line(port_in(*control_line), "set ch4-1 ch4 0.85") == "ok");
    REQUIRE(send_line(port_in(*control_line), "set gd-1 concentration 12.5") == "ok");

    write_file(dir / "site.toml",
               "[gateway]\nid = \"gw-a53\"\nenterprise = \"xj-mine\"\nsite = \"mine-1\"\ndata_dir = \"" +
                   (dir / "data").string() + "\"\npublish_interval_ms = 200\n[mqtt]\nuri = \"" + broker.uri() +
                   "\"\n[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:" +
                   std::to_string(port_in(*tcp_line)) + "\"\ntimeout_ms = 2000\n" +
                   "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\n"
                   "[[bus.device]]\nname = \"gd-1\"\nmodel = \"XJ-GD100\"\nunit = 2\n");

    // GIVEN a bundle for the aarch64 board, made with the cross-built gateway it finds itself
    const auto made = run_command({bin("lookout"), "bundle", "--board",
                                   std::string(LOOKOUT_SOURCE_DIR) + "/boards/xj-gw-a53/board.toml", "--site",
                                   (dir / "site.toml").string(), "--out", (dir / "bundle").string()});
    REQUIRE_MESSAGE(made.status == 0, made.err);
    CHECK(made.out.find("for board xj-gw-a53 (aarch64)") != std::string::npos);
    std::ifstream manifest_file(dir / "bundle/manifest.json");
    const auto manifest = json::parse(manifest_file);
    CHECK(manifest["arch"] == "aarch64");

    // The target's C library from Debian's cross packages, the other libraries from the
    // unpacked aarch64 packages; this is what the board's root file system holds.
    const std::vector<std::string> under_qemu{"env", "QEMU_LD_PREFIX=/usr/aarch64-linux-gnu",
                                              "LD_LIBRARY_PATH=" + libs.string(), qemu,
                                              (dir / "bundle/bin/lookout-gateway").string()};
    auto argv = under_qemu;
    argv.push_back("--version");
    const auto version = run_command(argv);
    REQUIRE_MESSAGE(version.status == 0, version.err);
    CHECK(version.out.find("lookout-gateway") != std::string::npos);

    // WHEN it runs under qemu-user against the simulator
    MqttProbe probe(broker.uri(), "lookout/v1/xj-mine/mine-1/gw-a53/up/readings");
    argv = under_qemu;
    argv.insert(argv.end(), {"--config", (dir / "bundle/site.toml").string()});
    Process gateway(argv, dir / "gateway.log");

    // THEN it publishes the simulator's values, decoded on the emulated processor
    const auto has = [](const ProbeMessage& m, const std::string& point, double value) {
      const auto batch = json::parse(m.payload, nullptr, false);
      if (batch.is_discarded() || !batch.contains("readings")) return false;
      for (const auto& r : batch["readings"]) {
        if (r.value("point", "") == point && r.value("quality", "") == "good" && r["value"].is_number() &&
            std::abs(r["value"].get<double>() - value) < 1e-9) {
          return true;
        }
      }
      return false;
    };
    CHECK_MESSAGE(probe.wait_for([&](const ProbeMessage& m) { return has(m, "ch4-1.ch4", 0.85); },
                                 HUNG_RUN),
                  gateway.stderr_text());
    CHECK(probe.wait_for([&](const ProbeMessage& m) { return has(m, "gd-1.gas", 12.5); }, HUNG_RUN));
    CHECK(gateway.stop(std::chrono::seconds(15)) == 0);
  }
}
