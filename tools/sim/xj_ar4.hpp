#pragma once
// XJ-AR4 4-relay alarm output module (datasheets/XJ-AR4.md).

#include <array>
#include <cstdint>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// Coils (XJ-AR4.md, function 01 / 05 / 15).
inline constexpr std::uint16_t XJ_AR4_CO_SIREN = 0;
inline constexpr std::uint16_t XJ_AR4_CO_BEACON = 1;
inline constexpr std::uint16_t XJ_AR4_CO_POWER_CUT = 2;
inline constexpr std::uint16_t XJ_AR4_CO_SPARE = 3;
inline constexpr std::uint16_t XJ_AR4_CO_COUNT = 4;
/// HR 0 heartbeat_timeout_s [s], 0 = off (function 03 / 06).
inline constexpr std::uint16_t XJ_AR4_HR_HEARTBEAT = 0;
/// IR 0 inputs (function 04): bit0 local reset button pressed.
inline constexpr std::uint16_t XJ_AR4_IR_INPUTS = 0;
inline constexpr std::uint16_t XJ_AR4_BIT_RESET_BUTTON = 1u << 0;

struct XjAr4State {
  std::array<bool, XJ_AR4_CO_COUNT> coils{};  ///< as written (the beacon may also be latched)
  std::uint16_t heartbeat_timeout_s = 0;      ///< [s] 0 = off
  Seconds last_write{0.0};                    ///< uptime of the last Modbus write (power-on)
  bool reset_button = false;
};

/// "If no write reaches the module for this long, it sets the beacon coil by itself".
bool xj_ar4_heartbeat_expired(const XjAr4State& state, Seconds uptime);

/// Latches a beacon the heartbeat set by itself into the state.
void xj_ar4_settle(XjAr4State& state, Seconds uptime);

/// A Modbus write reached the module: latch an expired heartbeat, restart the timer.
void xj_ar4_note_write(XjAr4State& state, Seconds uptime);

struct XjAr4Registers {
  std::array<std::uint8_t, XJ_AR4_CO_COUNT> coils{};
  std::uint16_t heartbeat_timeout_s = 0;  ///< HR 0
  std::uint16_t inputs = 0;               ///< IR 0
};

XjAr4Registers encode_xj_ar4(const XjAr4State& state, Seconds uptime);

class XjAr4 final : public Device {
 public:
  static constexpr std::string_view MODEL = "XJ-AR4";

  XjAr4(std::string name, int unit) : Device(std::move(name), unit) {}

  std::string_view model() const override { return MODEL; }
  bool supports_function(int function) const override;
  RegisterImage registers(Seconds uptime) const override;
  void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) override;
  void write_coil(std::uint16_t address, bool value, Seconds uptime) override;
  SetError set(std::string_view field, std::string_view value, Seconds uptime) override;
  std::vector<std::string_view> fields() const override;
  nlohmann::json state_json(Seconds uptime) const override;

  const XjAr4State& state() const { return state_; }

 private:
  XjAr4State state_;
};

}  // namespace lookout::sim
