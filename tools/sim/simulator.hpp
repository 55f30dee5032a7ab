#pragma once
// The whole simulator: the devices, the Modbus TCP server, the control server and, with
// --rtu, a Modbus RTU server on a serial line, served by one poll() loop on the calling
// thread until stop(). Every device answers on TCP; the serial models also on the RTU line.

#include <memory>
#include <optional>
#include <string>

#include "tools/sim/control_server.hpp"
#include "tools/sim/device_set.hpp"
#include "tools/sim/modbus_rtu_server.hpp"
#include "tools/sim/modbus_tcp_server.hpp"
#include "tools/sim/options.hpp"
#include "tools/sim/scenario.hpp"
#include "tools/sim/scenario_player.hpp"
#include "tools/sim/socket_util.hpp"

namespace lookout::sim {

class Simulator {
 public:
  /// Creates the devices (those of --device, then the scenario's) and binds both servers;
  /// throws std::exception on failure. A scenario starts playing with run().
  explicit Simulator(const Options& options, std::optional<Scenario> scenario = std::nullopt);

  std::string modbus_address() const { return modbus_->address(); }
  std::string control_address() const { return control_->address(); }
  std::uint16_t modbus_port() const { return modbus_->port(); }
  std::uint16_t control_port() const { return control_->port(); }
  const DeviceSet& devices() const { return devices_; }
  /// The RTU server, or nullptr without --rtu.
  const ModbusRtuServer* rtu() const { return rtu_.get(); }
  /// The scenario player, or nullptr without a scenario.
  const ScenarioPlayer* scenario() const { return player_.get(); }

  /// The startup lines tests parse: two "... listening on ADDR" lines, with --rtu a
  /// "modbus-rtu serving PATH" line, then one "device NAME MODEL unit UNIT" line per
  /// device; with a scenario, a "scenario NAME from FILE: ..." line; each ends in '\n'.
  std::string banner() const;

  /// Serves until stop(); returns at once if stop() came first.
  void run();

  /// Ends run(). Safe from any thread and from a signal handler.
  void stop() noexcept;

  /// The descriptor stop() writes to, for a signal handler that cannot reach this object.
  int stop_fd() const { return stop_write_.get(); }

 private:
  Clock::time_point start_;
  DeviceSet devices_;
  std::unique_ptr<ModbusTcpServer> modbus_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<ModbusRtuServer> rtu_;
  std::unique_ptr<ScenarioPlayer> player_;
  std::optional<Scenario> scenario_;  ///< until run() starts playing it
  double time_scale_ = 1.0;
  UniqueFd stop_read_;
  UniqueFd stop_write_;
};

}  // namespace lookout::sim
