#pragma once
// The whole simulator: the devices, the Modbus TCP server, the control server and, with
// --rtu, a Modbus RTU server on a serial line, served by one poll() loop on the calling
// thread until stop(). Every device answers on TCP; the serial models also on the RTU line.

#include <memory>
#include <string>

#include "tools/sim/control_server.hpp"
#include "tools/sim/device_set.hpp"
#include "tools/sim/modbus_rtu_server.hpp"
#include "tools/sim/modbus_tcp_server.hpp"
#include "tools/sim/options.hpp"
#include "tools/sim/socket_util.hpp"

namespace lookout::sim {

class Simulator {
 public:
  /// Creates the devices and binds both servers; throws std::exception on failure.
  explicit Simulator(const Options& options);

  std::string modbus_address() const { return modbus_->address(); }
  std::string control_address() const { return control_->address(); }
  std::uint16_t modbus_port() const { return modbus_->port(); }
  std::uint16_t control_port() const { return control_->port(); }
  const DeviceSet& devices() const { return devices_; }
  /// The RTU server, or nullptr without --rtu.
  const ModbusRtuServer* rtu() const { return rtu_.get(); }

  /// The startup lines tests parse: two "... listening on ADDR" lines, with --rtu a
  /// "modbus-rtu serving PATH" line, then one "device NAME MODEL unit UNIT" line per
  /// device; each ends in '\n'.
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
  UniqueFd stop_read_;
  UniqueFd stop_write_;
};

}  // namespace lookout::sim
