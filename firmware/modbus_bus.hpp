#pragma once
// The firmware's view of a Modbus bus (RTU or TCP). The gateway implements it on
// libmodbus; tests implement it in memory.

#include <cstdint>
#include <string>
#include <vector>

#include "firmware/registers.hpp"

namespace lookout::firmware {

enum class BusError {
  none,
  timeout,        ///< no answer in time: the device is offline
  exception,      ///< the device answered with a Modbus exception
  bad_frame,      ///< CRC error, garbage, wrong length
  io_error,       ///< the port or connection failed
};

struct BusResult {
  BusError error = BusError::none;
  std::string message;  ///< what happened, for logs and counters
  bool ok() const { return error == BusError::none; }
};

class ModbusBus {
 public:
  virtual ~ModbusBus() = default;
  /// Reads `count` registers from `start` on device `unit` into `out` (resized to count).
  /// Holding registers with function 03, input registers with 04, coils with 01: for coils
  /// `count` is a number of coils and `out` gets one word per coil, 0 or 1.
  /// One transaction at a time: callers never overlap calls on one bus.
  virtual BusResult read_registers(int unit, RegisterKind kind, std::uint16_t start, std::uint16_t count,
                                   std::vector<std::uint16_t>& out) = 0;
  /// Writes coils from `start` (function 15), e.g. an XJ-AR4's relays. A bus that only
  /// reads (a test double) refuses.
  virtual BusResult write_coils(int /*unit*/, std::uint16_t /*start*/, const std::vector<bool>& /*values*/) {
    return {BusError::io_error, "this bus cannot write"};
  }
  /// How long the requests that follow wait for an answer [ms], and how many more attempts a
  /// failed one gets: a probe of a silent device asks briefly and once, then the bus's own
  /// settings come back. A test double may ignore it.
  virtual void set_patience(int /*timeout_ms*/, int /*retries*/) {}
  /// Writes one holding register (function 06), e.g. an XJ-GN1's mode.
  virtual BusResult write_register(int /*unit*/, std::uint16_t /*address*/, std::uint16_t /*value*/) {
    return {BusError::io_error, "this bus cannot write"};
  }
};

}  // namespace lookout::firmware
