#pragma once
// lookout-sim command line.

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tools/sim/device.hpp"
#include "tools/sim/endpoint.hpp"

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
  bool help = false;
};

/// A command line the simulator refuses (exit status 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses the arguments after the program name; throws UsageError naming the bad argument.
Options parse_options(std::span<const std::string_view> args);

/// Parses NAME=MODEL@UNIT; throws UsageError.
DeviceSpec parse_device_spec(std::string_view text);

std::string usage();

}  // namespace lookout::sim
