#pragma once
// firmware::ModbusBus on libmodbus, for Modbus TCP and Modbus RTU on a serial port.

#include <chrono>
#include <memory>
#include <string>

#include "firmware/modbus_bus.hpp"
#include "gateway/site_config.hpp"

struct _modbus;

namespace lookout::gateway {

class LibmodbusBus final : public firmware::ModbusBus {
 public:
  explicit LibmodbusBus(const BusConfig& config);
  ~LibmodbusBus() override;
  LibmodbusBus(const LibmodbusBus&) = delete;
  LibmodbusBus& operator=(const LibmodbusBus&) = delete;

  firmware::BusResult read_registers(int unit, firmware::RegisterKind kind, std::uint16_t start,
                                     std::uint16_t count, std::vector<std::uint16_t>& out) override;
  firmware::BusResult write_coils(int unit, std::uint16_t start, const std::vector<bool>& values) override;
  firmware::BusResult write_register(int unit, std::uint16_t address, std::uint16_t value) override;
  void set_patience(int timeout_ms, int retries) override;

  const std::string& name() const { return config_.name; }

 private:
  firmware::BusResult read_once(int unit, firmware::RegisterKind kind, std::uint16_t start, std::uint16_t count,
                                std::vector<std::uint16_t>& out);
  /// One write transaction: `what` names it in errors, `call` makes it and returns libmodbus' result.
  template <typename Call>
  firmware::BusResult write_once(int unit, const std::string& what, int expected, Call call);
  /// Turns a failed transaction into a result, recovering the link as its kind of failure needs.
  firmware::BusResult failure(int n, const std::string& what);
  /// Waits out the silence a serial line needs between frames.
  void keep_frame_gap();
  /// Opens the connection (or the port) if it is not open; false with `why` on failure.
  bool ensure_connected(std::string& why);
  void close();

  BusConfig config_;
  int retries_;  ///< as set_patience() says; config_.retries at first
  _modbus* ctx_ = nullptr;
  bool connected_ = false;
  std::chrono::steady_clock::time_point last_frame_{};
};

}  // namespace lookout::gateway
