#pragma once
// A scenario for lookout-sim: devices, and what their control fields do in time (a value set
// at t, a ramp from a to b, either repeated), read from a small TOML file
// (docs/simulator.md "Scenarios") and checked as a whole, every problem with
// file:line:column. Each step goes through the same Device::set_field as the control port,
// so a scenario can do exactly what a test can: change a value, unplug a device, garble it.
// No I/O here but load_scenario reading the file.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tools/sim/device.hpp"
#include "tools/sim/options.hpp"

namespace lookout::sim {

/// One control "set" at a scenario time.
struct ScenarioEvent {
  Seconds at{0.0};  ///< [s] scenario time since the start (of the current loop)
  std::string device;
  std::string field;
  std::string value;
  /// What to print when it fires ("" = nothing: the inner steps of a ramp).
  std::string note;
  int line = 0;  ///< the [[step]] in the file, for runtime messages
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  /// [s] replay from the start every loop seconds; 0 = play once.
  Seconds loop{0.0};
  /// The devices the scenario plays, added to those of --device.
  std::vector<DeviceSpec> devices;
  /// Every step expanded (repeats, ramp points), in time order; ties keep file order.
  std::vector<ScenarioEvent> events;
  /// [s] the time of the last event.
  Seconds length() const { return events.empty() ? Seconds{0.0} : events.back().at; }
};

/// Parses scenario text; throws config::ConfigErrors listing every problem.
Scenario parse_scenario(std::string_view text, const std::string& file);
/// Reads and parses a file; throws std::runtime_error when it cannot be read.
Scenario load_scenario(const std::filesystem::path& file);

/// Most events one scenario may expand to (ramp points times repeats): a typo such as
/// step_s = 0.001 over hours is an error, not a memory exhaustion.
inline constexpr std::size_t SCENARIO_MAX_EVENTS = 200000;

}  // namespace lookout::sim
