// lookout scan --tcp HOST:PORT | --rtu PATH [...] [--units FIRST-LAST]: which unit ids answer
// on a line, and which XJ model each one is (model_probe.hpp). One line per unit found on
// stdout; the summary on stderr.
//
// Exit status: 0 at least one unit answered; 1 none did, or the line could not be opened;
// 2 a bad command line.

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "gateway/libmodbus_bus.hpp"
#include "tools/lookout/bus_options.hpp"
#include "tools/lookout/commands.hpp"
#include "tools/lookout/model_probe.hpp"

namespace lookout::cli {

namespace {

// Modbus over serial line V1.02, 2.2: 1..247 address single devices.
constexpr int MIN_UNIT = 1;
constexpr int MAX_UNIT = 247;

constexpr const char* USAGE =
    "usage: lookout scan (--tcp HOST:PORT | --rtu PATH [--baud 9600] [--parity N|E|O] [--stop-bits 1|2])\n"
    "                    [--units FIRST-LAST] [--timeout-ms 300] [--retries 0]\n";

struct UnitRange {
  int first = MIN_UNIT;
  int last = MAX_UNIT;
};

UnitRange parse_units(const std::string& text) {
  const auto dash = text.find('-');
  UnitRange r;
  if (dash == std::string::npos) {
    r.first = r.last = static_cast<int>(parse_int_arg("--units", text, MIN_UNIT, MAX_UNIT));
    return r;
  }
  r.first = static_cast<int>(parse_int_arg("--units first", text.substr(0, dash), MIN_UNIT, MAX_UNIT));
  r.last = static_cast<int>(parse_int_arg("--units last", text.substr(dash + 1), MIN_UNIT, MAX_UNIT));
  if (r.last < r.first) throw UsageError("--units \"" + text + "\": the last unit comes before the first");
  return r;
}

struct ScanArgs {
  BusArgs bus;
  std::string units;
};

int scan(const ScanArgs& args) {
  const UnitRange units = args.units.empty() ? UnitRange{} : parse_units(args.units);
  const gateway::BusConfig bus = finish_bus_options(args.bus);
  try {
    gateway::LibmodbusBus modbus(bus);
    int answered = 0;
    for (int unit = units.first; unit <= units.last; ++unit) {
      const auto report = probe_unit(modbus, unit);
      switch (report.presence) {
        case Presence::absent: continue;
        case Presence::failed:
          std::cerr << "lookout scan: " << describe_bus(bus) << ": " << report.detail << "\n";
          return 1;
        case Presence::garbled:
          std::cout << "unit " << unit << ": unknown (" << report.detail << ")\n";
          break;
        case Presence::present:
          if (report.models.size() == 1) {
            std::cout << "unit " << unit << ": " << report.models[0] << " (" << report.detail << ")\n";
          } else if (report.models.empty()) {
            std::cout << "unit " << unit << ": unknown (" << report.detail << ")\n";
          } else {
            std::string which;
            for (const auto m : report.models) which += (which.empty() ? "" : " or ") + std::string(m);
            std::cout << "unit " << unit << ": unknown (fits several models: " << which << ")\n";
          }
          break;
      }
      ++answered;
      std::cout.flush();
    }
    std::cerr << "scanned units " << units.first << "-" << units.last << " on " << describe_bus(bus) << ": "
              << answered << " answered\n";
    return answered > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "lookout scan: " << describe_bus(bus) << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_scan(CLI::App& lookout) {
  auto* command = lookout.add_subcommand("scan", "which unit ids answer on a line, and which XJ model each is");
  command_line::set_usage(*command, USAGE);
  auto args = std::make_shared<ScanArgs>();
  add_bus_options(*command, args->bus);
  command->add_option("--units", args->units, "the unit ids to ask, e.g. 1-16 or 5 (default 1-247)")
      ->type_name("FIRST-LAST");
  command_line::set_action(*command, [args] { return scan(*args); });
}

}  // namespace lookout::cli
