// `lookout sim set|get|list` (tools/lookout/sim.cpp) against a running lookout-sim: a value
// set through it is what a following `lookout read` polls over Modbus; refusals carry the
// simulator's reason with exit status 1; a bad command line exits 2.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

struct Sim {
  TempDir dir;
  std::unique_ptr<Process> process;
  std::string modbus;   ///< 127.0.0.1:PORT
  std::string control;  ///< 127.0.0.1:PORT
  Sim() {
    process = std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-sim"), "--warmup-s", "0", "--device", "ch4-1=XJ-CH4@1", "--device",
                                 "gd-1=XJ-GD100@2"},
        dir / "sim.log");
    const auto modbus_line = process->wait_for_line("modbus-tcp listening on", HUNG_RUN);
    const auto control_line = process->wait_for_line("control listening on", HUNG_RUN);
    REQUIRE_MESSAGE(modbus_line, process->stderr_text());
    REQUIRE(control_line);
    modbus = "127.0.0.1:" + std::to_string(port_in(*modbus_line));
    control = "127.0.0.1:" + std::to_string(port_in(*control_line));
    write_file(dir / "site.toml",
               "[gateway]\nid = \"gw-1\"\nenterprise = \"xj\"\nsite = \"s\"\ndata_dir = \"gw\"\n"
               "[mqtt]\nuri = \"tcp://127.0.0.1:1\"\n"
               "[[bus]]\nname = \"line-1\"\ntype = \"tcp\"\naddress = \"" +
                   modbus +
                   "\"\ntimeout_ms = 300\n"
                   "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\n"
                   "[[bus.device]]\nname = \"gd-1\"\nmodel = \"XJ-GD100\"\nunit = 2\n");
  }
  ~Sim() { CHECK(process->stop() == 0); }
  CommandResult sim(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{bin("lookout"), "sim"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
};

}  // namespace

TEST_SUITE("lookout.sim") {
  TEST_CASE("sim release - answers how many held fields it let go") {
    Sim s;
    CHECK(s.sim({"set", "--control", s.control, "ch4-1", "ch4", "1.6"}).status == 0);
    auto r = s.sim({"release", "--control", s.control, "ch4-1", "ch4"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(r.out == "ok: 1 released\n");
    r = s.sim({"release", "--control", s.control, "ch4-1"});
    CHECK(r.out == "ok: 0 released\n");
    r = s.sim({"release", "--control", s.control, "nobody"});
    CHECK(r.status == 1);
    CHECK(r.err == "lookout-sim: error: unknown device 'nobody'\n");
  }

  TEST_CASE("sim set - the value is what a following lookout read polls") {
    Sim s;
    // WHEN methane is set to 1.37 %CH4 THEN "ok", exit 0
    auto r = s.sim({"set", "--control", s.control, "ch4-1", "ch4", "1.37"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(r.out == "ok\n");
    // AND the register reads 137 (x100, XJ-CH4.md) and the site file's device 1.37 %CH4
    auto read = run_command({bin("lookout"), "read", "--tcp", s.modbus, "--unit", "1", "--input", "0", "1"});
    CHECK_MESSAGE(read.status == 0, read.err);
    CHECK(read.out == "IR 0 137\n");
    read = run_command({bin("lookout"), "read", (s.dir / "site.toml").string(), "ch4-1"});
    CHECK_MESSAGE(read.status == 0, read.err);
    CHECK(read.out.find("ch4-1.ch4                    methane                          1.37 %CH4     good") !=
          std::string::npos);

    // WHEN H2S is set THEN the detector's reading follows
    r = s.sim({"set", "--control", s.control, "gd-1", "concentration", "8.5"});
    CHECK(r.status == 0);
    read = run_command({bin("lookout"), "read", (s.dir / "site.toml").string(), "gd-1"});
    CHECK_MESSAGE(read.status == 0, read.err);
    CHECK(read.out.find("gd-1.gas") != std::string::npos);
    CHECK(read.out.find(" 8.5 ppm ") != std::string::npos);

    // WHEN the device is unplugged through it THEN read finds it offline
    r = s.sim({"set", "--control", s.control, "ch4-1", "connected", "0"});
    CHECK(r.status == 0);
    read = run_command({bin("lookout"), "read", (s.dir / "site.toml").string(), "ch4-1"});
    CHECK(read.status == 1);
    CHECK(read.out.find("offline") != std::string::npos);
  }

  TEST_CASE("sim get and list print the simulator JSON") {
    Sim s;
    REQUIRE(s.sim({"set", "--control", s.control, "ch4-1", "ch4", "0.75"}).status == 0);
    auto r = s.sim({"get", "--control", s.control, "ch4-1"});
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto one = nlohmann::json::parse(r.out);
    CHECK(one["name"] == "ch4-1");
    CHECK(one["model"] == "XJ-CH4");
    CHECK(one["unit"] == 1);
    CHECK(one["state"]["ch4"] == doctest::Approx(0.75));
    CHECK(one["registers"]["input"]["words"][0] == 75);

    r = s.sim({"list", "--control", s.control});
    CHECK_MESSAGE(r.status == 0, r.err);
    const auto all = nlohmann::json::parse(r.out);
    REQUIRE(all["devices"].size() == 2);
    CHECK(all["devices"][0]["name"] == "ch4-1");
    CHECK(all["devices"][1]["name"] == "gd-1");
    CHECK(all["devices"][1]["model"] == "XJ-GD100");
  }

  TEST_CASE("sim - refusals exit 1 with the simulator's reason - a bad command line exits 2") {
    Sim s;
    REQUIRE(s.sim({"set", "--control", s.control, "ch4-1", "ch4", "0.5"}).status == 0);
    auto r = s.sim({"set", "--control", s.control, "ch4-1", "ch5", "1"});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "lookout-sim: error: unknown field 'ch5' for XJ-CH4 (ch4, temperature, status, local_alarm, "
                   "connected, garbage, truncated, delay_ms)\n");
    r = s.sim({"set", "--control", s.control, "ch4-1", "ch4", "-3"});
    CHECK(r.status == 1);
    CHECK(r.err == "lookout-sim: error: ch4 wants a number >= 0 [%CH4], got '-3'\n");
    r = s.sim({"get", "--control", s.control, "ch4-9"});
    CHECK(r.status == 1);
    CHECK(r.err == "lookout-sim: error: unknown device 'ch4-9'\n");
    // the refused set changed nothing
    CHECK(nlohmann::json::parse(s.sim({"get", "--control", s.control, "ch4-1"}).out)["state"]["ch4"] == doctest::Approx(0.5));

    // nothing listening, or not an address
    const int closed = free_port();
    r = s.sim({"list", "--control", "127.0.0.1:" + std::to_string(closed)});
    CHECK(r.status == 1);
    CHECK(r.err.starts_with("lookout sim: 127.0.0.1:" + std::to_string(closed) + ": connect:"));
    r = s.sim({"list", "--control", "nonsense"});
    CHECK(r.status == 1);
    CHECK(r.err.find("\"nonsense\" should look like 127.0.0.1:8080") != std::string::npos);

    // bad command lines: no verb, unknown verb, missing or extra words, no --control
    for (const auto& args : std::vector<std::vector<std::string>>{
             {},
             {"bogus", "--control", s.control},
             {"set", "--control", s.control, "ch4-1", "ch4"},
             {"set", "--control", s.control, "ch4-1", "ch4", "1", "2"},
             {"get", "--control", s.control},
             {"list", "--control"},
             {"set", "ch4-1", "ch4", "1"},
         }) {
      r = s.sim(args);
      CHECK(r.status == 2);
      CHECK(r.out.empty());
      CHECK(r.err.starts_with("lookout sim"));
      CHECK(r.err.find("\nusage: lookout sim ") != std::string::npos);
    }
  }
}
