// `lookout read` (tools/lookout/read.cpp) against lookout-sim over Modbus TCP: a device of a
// site file decoded as the gateway decodes it (the sheets' worked examples), a faulty and an
// unplugged device, raw registers in every word order, and bad invocations.
#include <doctest/doctest.h>

#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

/// The line of `out` that starts with `start`, or "".
std::string line_of(const std::string& out, const std::string& start) {
  std::size_t pos = 0;
  while (pos < out.size()) {
    const auto end = out.find('\n', pos);
    const std::string line = out.substr(pos, end - pos);
    if (line.starts_with(start)) return line;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

/// The words of a table line, split on spaces.
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> w;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const auto start = line.find_first_not_of(' ', pos);
    if (start == std::string::npos) break;
    const auto end = line.find(' ', start);
    w.push_back(line.substr(start, end - start));
    pos = end == std::string::npos ? line.size() : end;
  }
  return w;
}

struct Sim {
  TempDir dir;
  std::unique_ptr<Process> process;
  std::string address;
  int control = 0;
  Sim() {
    process = std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-sim"), "--warmup-s", "0", "--device", "ch4-1=XJ-CH4@1", "--device",
                                 "rl-1=XJ-RL80@2", "--device", "vw-1=XJ-VW4@3", "--device", "rg-1=XJ-RG2@4"},
        dir / "sim.log");
    const auto modbus_line = process->wait_for_line("modbus-tcp listening on", HUNG_RUN);
    const auto control_line = process->wait_for_line("control listening on", HUNG_RUN);
    REQUIRE_MESSAGE(modbus_line, process->stderr_text());
    REQUIRE(control_line);
    address = "127.0.0.1:" + std::to_string(port_in(*modbus_line));
    control = port_in(*control_line);
    write_file(dir / "site.toml",
               "[gateway]\nid = \"gw-1\"\nenterprise = \"xj\"\nsite = \"s\"\ndata_dir = \"gw\"\n"
               "[mqtt]\nuri = \"tcp://127.0.0.1:1\"\n"
               "[[bus]]\nname = \"line-1\"\ntype = \"tcp\"\naddress = \"" +
                   address +
                   "\"\ntimeout_ms = 300\n"
                   "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\n"
                   "[[bus.device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 2\n"
                   "calibration = { face_elevation = 58.2 }\n"
                   "[[bus.device]]\nname = \"vw-1\"\nmodel = \"XJ-VW4\"\nunit = 3\n"
                   "calibration = { \"ch1.sensor\" = \"piezometer\", \"ch1.gauge_factor\" = -0.1734, "
                   "\"ch1.thermal_factor\" = 0.05, \"ch1.zero_reading\" = 8650.0, \"ch1.zero_temperature\" = 20.0 }\n"
                   "[[bus.device]]\nname = \"rg-1\"\nmodel = \"XJ-RG2\"\nunit = 4\n");
  }
  std::string site() const { return (dir / "site.toml").string(); }
};

}  // namespace

TEST_SUITE("lookout.read") {
  TEST_CASE("read a site-file device - decoded values with unit and quality - the sheets' examples") {
    Sim sim;
    REQUIRE(send_line(sim.control, "set ch4-1 ch4 1.25") == "ok");
    const auto ch4 = run_command({bin("lookout"), "read", sim.site(), "ch4-1"});
    CHECK_MESSAGE(ch4.status == 0, ch4.err);
    CHECK(line_of(ch4.out, "ch4-1:") == "ch4-1: XJ-CH4 unit 1 on bus line-1 (tcp " + sim.address + ")");
    CHECK(words(line_of(ch4.out, "ch4-1.ch4 ")) == std::vector<std::string>{"ch4-1.ch4", "methane", "1.25", "%CH4", "good"});
    CHECK(words(line_of(ch4.out, "ch4-1.temperature")) ==
          std::vector<std::string>{"ch4-1.temperature", "temperature", "20", "degC", "good"});

    // XJ-RL80.md: face at 58.200 m, air_gap 2350 mm -> 55.850 m
    const auto rl = run_command({bin("lookout"), "read", sim.site(), "rl-1"});
    CHECK_MESSAGE(rl.status == 0, rl.err);
    CHECK(words(line_of(rl.out, "rl-1.level")) == std::vector<std::string>{"rl-1.level", "water_level", "55.85", "m", "good"});

    // XJ-VW4.md: f = 2700.0 Hz, T = 18.0 degC -> 235.724 kPa, head 24.037 m
    REQUIRE(send_line(sim.control, "set vw-1 ch1_temp 18.0") == "ok");
    const auto vw = run_command({bin("lookout"), "read", sim.site(), "vw-1"});
    CHECK_MESSAGE(vw.status == 0, vw.err);
    CHECK(words(line_of(vw.out, "vw-1.ch1_pore_pressure"))[2] == "235.724");
    CHECK(words(line_of(vw.out, "vw-1.ch1_head"))[2] == "24.0372");

    // XJ-RG2: one poll is the counter's baseline; the rainfall channel says so
    const auto rg = run_command({bin("lookout"), "read", sim.site(), "rg-1"});
    CHECK(line_of(rg.out, "rg-1.").find("(nothing new in one poll)") != std::string::npos);
  }

  TEST_CASE("read - a sensor fault exits 3 and an unplugged device exits 1") {
    Sim sim;
    // GIVEN the methane element failed THEN the reading is bad with its status, exit 3
    REQUIRE(send_line(sim.control, "set ch4-1 status fault") == "ok");
    const auto fault = run_command({bin("lookout"), "read", sim.site(), "ch4-1"});
    CHECK(fault.status == 3);
    CHECK(words(line_of(fault.out, "ch4-1.ch4 ")) ==
          std::vector<std::string>{"ch4-1.ch4", "methane", "-", "%CH4", "bad", "sensor_fault"});

    // GIVEN rl-1's cable pulled THEN offline, exit 1, and stderr says what timed out
    REQUIRE(send_line(sim.control, "set rl-1 connected 0") == "ok");
    const auto offline = run_command({bin("lookout"), "read", sim.site(), "rl-1"});
    CHECK(offline.status == 1);
    CHECK(words(line_of(offline.out, "rl-1.level")) ==
          std::vector<std::string>{"rl-1.level", "water_level", "-", "m", "bad", "offline"});
    CHECK(offline.err.starts_with("lookout read: rl-1: unit 2 HR 0+4: Connection timed out"));

    // a device the site file does not have
    const auto unknown = run_command({bin("lookout"), "read", sim.site(), "ch4-9"});
    CHECK(unknown.status == 1);
    CHECK(unknown.err == "lookout read: " + sim.site() + ": no device \"ch4-9\" (devices: ch4-1, rl-1, vw-1, rg-1)\n");
  }

  TEST_CASE("read raw registers - decimal - and --raw in every word order") {
    Sim sim;
    // XJ-VW4 IR 0-1: ch1_freq 2700.0 Hz, float32 ABCD = 0x4528 0xC000
    const auto plain = run_command({bin("lookout"), "read", "--tcp", sim.address, "--unit", "3", "--input", "0", "2"});
    CHECK_MESSAGE(plain.status == 0, plain.err);
    CHECK(plain.out == "IR 0 17704\nIR 1 49152\n");

    const auto raw =
        run_command({bin("lookout"), "read", "--tcp", sim.address, "--unit", "3", "--input", "0", "2", "--raw"});
    CHECK_MESSAGE(raw.status == 0, raw.err);
    CHECK(words(line_of(raw.out, "IR 0 ")) == std::vector<std::string>{"IR", "0", "0x4528", "17704", "17704"});
    CHECK(words(line_of(raw.out, "IR 0-1        ABCD")) ==
          std::vector<std::string>{"IR", "0-1", "ABCD", "2700", "1160298496", "1160298496"});
    CHECK(words(line_of(raw.out, "IR 0-1        CDAB"))[3] == "-2.004221");

    // XJ-RL80 refuses more than 8 registers (exception 02): the exception is the answer, exit 1
    const auto refused = run_command({bin("lookout"), "read", "--tcp", sim.address, "--unit", "2", "--holding", "0", "9"});
    CHECK(refused.status == 1);
    CHECK(refused.err == "lookout read: tcp " + sim.address + ": unit 2 HR 0+9: Illegal data address\n");
  }

  TEST_CASE("read - bad invocations exit 2 and say what is wrong") {
    const auto none = run_command({bin("lookout"), "read"});
    CHECK(none.status == 2);
    CHECK(none.err.starts_with("lookout read: want SITE.toml DEVICE, or --tcp/--rtu with --unit\nusage:"));

    const auto no_unit = run_command({bin("lookout"), "read", "--tcp", "127.0.0.1:1502", "--holding", "0", "2"});
    CHECK(no_unit.status == 2);
    CHECK(no_unit.err.starts_with("lookout read: --unit N is required with --tcp/--rtu"));

    const auto count = run_command({bin("lookout"), "read", "--tcp", "127.0.0.1:1502", "--unit", "1", "--input", "0", "200"});
    CHECK(count.status == 2);
    CHECK(count.err.starts_with("lookout read: --input COUNT \"200\": want a whole number 1..125"));

    const auto mixed = run_command({bin("lookout"), "read", "site.toml", "ch4-1", "--raw"});
    CHECK(mixed.status == 2);

    const auto missing = run_command({bin("lookout"), "read", "/nonexistent/site.toml", "ch4-1"});
    CHECK(missing.status == 1);
    CHECK(missing.err.find("/nonexistent/site.toml") != std::string::npos);
  }
}
