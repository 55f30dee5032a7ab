// `lookout scan` (tools/lookout/scan.cpp) against lookout-sim: over Modbus TCP with all eight
// models, a garbling unit and gaps; over Modbus RTU on a socat pseudo-terminal pair; and
// the exit status of a scan that finds nothing, of a closed port and of bad invocations.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/pty_pair.hpp"

using namespace lookout::test;

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    out.push_back(text.substr(pos, end - pos));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

/// "unit 4: XJ-RL80 (...)" -> "unit 4: XJ-RL80"
std::vector<std::string> unit_and_model(const std::string& out) {
  std::vector<std::string> r;
  for (const auto& line : split_lines(out)) r.push_back(line.substr(0, line.find(" (")));
  return r;
}

}  // namespace

TEST_SUITE("lookout.scan") {
  TEST_CASE("scan over TCP finds every model by its registers - skips gaps - flags a garbling unit") {
    TempDir dir;
    Process sim({bin("lookout-sim"), "--warmup-s", "0", "--device", "ch4-1=XJ-CH4@1", "--device", "gd-1=XJ-GD100@2",
                 "--device", "rl-1=XJ-RL80@4", "--device", "vw-1=XJ-VW4@5", "--device", "rg-1=XJ-RG2@6", "--device",
                 "in-1=XJ-IN3@7", "--device", "gn-1=XJ-GN1@8", "--device", "ar-1=XJ-AR4@9", "--device",
                 "gd-2=XJ-GD100@10"},
                dir / "sim.log");
    const auto modbus_line = sim.wait_for_line("modbus-tcp listening on", HUNG_RUN);
    const auto control_line = sim.wait_for_line("control listening on", HUNG_RUN);
    REQUIRE_MESSAGE(modbus_line, sim.stderr_text());
    REQUIRE(control_line);
    const std::string address = "127.0.0.1:" + std::to_string(port_in(*modbus_line));
    REQUIRE(send_line(port_in(*control_line), "set gd-2 garbage 1") == "ok");

    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run_command({bin("lookout"), "scan", "--tcp", address, "--units", "1-12", "--timeout-ms", "200"});
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK_MESSAGE(r.status == 0, r.err);
    // THEN one line per unit that answered, in unit order; 3, 11 and 12 are silent
    CHECK(unit_and_model(r.out) ==
          std::vector<std::string>{"unit 1: XJ-CH4", "unit 2: XJ-GD100", "unit 4: XJ-RL80", "unit 5: XJ-VW4",
                                   "unit 6: XJ-RG2", "unit 7: XJ-IN3", "unit 8: XJ-GN1", "unit 9: XJ-AR4",
                                   "unit 10: unknown"});
    // AND each line says why: the reads that fit and the refusals, or what went wrong
    CHECK(r.out.find("unit 4: XJ-RL80 (HR 0+4 answer as its register table says; HR 4+1 refused)") != std::string::npos);
    CHECK(r.out.find("unit 10: unknown (corrupt replies: unit 10 HR 0+1:") != std::string::npos);
    CHECK(r.err == "scanned units 1-12 on tcp " + address + ": 9 answered\n");
    // three silent units at 200 ms each, and quick answers from the others: 0.6 s and
    // milliseconds; 5 s is eight times that (the default 500 ms with its retries would
    // come near it)
    CHECK(took < std::chrono::seconds(5));
    MESSAGE("scan of 12 units over TCP took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");

    // WHEN nothing answers in the range THEN exit status 1 and no unit lines
    const auto none = run_command({bin("lookout"), "scan", "--tcp", address, "--units", "20-21", "--timeout-ms", "100"});
    CHECK(none.status == 1);
    CHECK(none.out.empty());
    CHECK(none.err == "scanned units 20-21 on tcp " + address + ": 0 answered\n");
    CHECK(sim.stop() == 0);
  }

  TEST_CASE("scan over RTU on a pty pair - XJ-GN1 stays on TCP and is not found there") {
    TempDir dir;
    const PtyPair line(dir);
    const auto& master_end = line.master();
    const auto& sim_end = line.sim();
    Process sim({bin("lookout-sim"), "--rtu", sim_end.string(), "--warmup-s", "0", "--device", "ch4-1=XJ-CH4@1",
                 "--device", "rl-1=XJ-RL80@2", "--device", "gn-1=XJ-GN1@3", "--device", "in-1=XJ-IN3@5"},
                dir / "sim.log");
    REQUIRE_MESSAGE(sim.wait_for_line("modbus-rtu serving", HUNG_RUN), sim.stderr_text());

    const auto r = run_command({bin("lookout"), "scan", "--rtu", master_end.string(), "--baud", "9600", "--parity",
                                "N", "--units", "1-6", "--timeout-ms", "200"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(unit_and_model(r.out) == std::vector<std::string>{"unit 1: XJ-CH4", "unit 2: XJ-RL80", "unit 5: XJ-IN3"});
    CHECK(r.err == "scanned units 1-6 on rtu " + master_end.string() + " 9600 8N1: 3 answered\n");
    CHECK(sim.stop() == 0);
  }

  TEST_CASE("scan - a closed port and bad invocations") {
    // a TCP port nobody listens on: the line cannot be opened
    const std::string closed = "127.0.0.1:" + std::to_string(free_port());
    const auto r = run_command({bin("lookout"), "scan", "--tcp", closed, "--units", "1-3"});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("lookout scan: tcp " + closed + ": connect to " + closed + " failed:"));

    const auto no_line = run_command({bin("lookout"), "scan", "--units", "1-3"});
    CHECK(no_line.status == 2);
    CHECK(no_line.err.starts_with("lookout scan: say where: --tcp HOST:PORT or --rtu PATH\nusage: lookout scan"));

    const auto backwards = run_command({bin("lookout"), "scan", "--tcp", closed, "--units", "9-2"});
    CHECK(backwards.status == 2);
    CHECK(backwards.err.starts_with("lookout scan: --units \"9-2\": the last unit comes before the first"));

    const auto baud = run_command({bin("lookout"), "scan", "--rtu", "/dev/null", "--baud", "fast"});
    CHECK(baud.status == 2);
    CHECK(baud.err.starts_with("lookout scan: --baud \"fast\": want a whole number 1200..921600"));

    const auto unit = run_command({bin("lookout"), "scan", "--tcp", closed, "--units", "0-300"});
    CHECK(unit.status == 2);
    CHECK(unit.err.starts_with("lookout scan: --units first \"0\": want a whole number 1..247"));
  }
}
