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

  const std::string& name() const { return config_.name; }

 private:
  firmware::BusResult read_once(int unit, firmware::RegisterKind kind, std::uint16_t start, std::uint16_t count,
                                std::vector<std::uint16_t>& out);
  /// Waits out the silence a serial line needs between frames.
  void keep_frame_gap();
  /// Opens the connection (or the port) if it is not open; false with `why` on failure.
  bool ensure_connected(std::string& why);
  void close();

  BusConfig config_;
  _modbus* ctx_ = nullptr;
  bool connected_ = false;
  std::chrono::steady_clock::time_point last_frame_{};
};

}  // namespace lookout::gateway
