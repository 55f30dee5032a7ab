#pragma once
// lookout-sim command line.

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/command_line.hpp"
#include "tools/sim/device.hpp"
#include "tools/sim/endpoint.hpp"

namespace CLI {
class App;
}

namespace lookout::sim {

/// --device NAME=MODEL@UNIT
struct DeviceSpec {
  std::string name;
  std::string model;
  int unit = 1;
};

struct Options {
  Endpoint listen{"127.0.0.1", 0, false};   ///< --listen, Modbus TCP
  Endpoint control{"127.0.0.1", 0, false};  ///< --control, line protocol
  std::string rtu;  ///< --rtu PATH: also serve the serial models on this line ("" = none)
  std::vector<DeviceSpec> devices;
  Seconds warmup{60.0};  ///< --warmup-s; the GD100 sheet says 60 s after power-on
  std::string scenario;     ///< --scenario FILE ("" = none): scenario.hpp
  double time_scale = 1.0;  ///< --time-scale: scenario seconds per real second
  bool help = false;        ///< --help (parse_options only; main lets CLI11 answer it)
};

/// A command line the simulator refuses (exit status 2).
using UsageError = command_line::UsageError;

/// Declares lookout-sim's options on `app` (CLI11): parsing fills `options`, checks each
/// value as it comes and, at the end, that some device is given; UsageError names what
/// is wrong.
void add_options(CLI::App& app, Options& options);

/// Parses the arguments after the program name; throws UsageError naming the bad argument.
Options parse_options(std::span<const std::string_view> args);

/// Parses NAME=MODEL@UNIT; throws UsageError.
DeviceSpec parse_device_spec(std::string_view text);

/// What `lookout-sim --help` prints: usage, options, start-up lines, the control protocol
/// and every model's fields.
std::string help();

}  // namespace lookout::sim
