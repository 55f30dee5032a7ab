#pragma once
// XJ-VW4 4-channel vibrating-wire readout module (datasheets/XJ-VW4.md).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// IR 12-15 channel status (XJ-VW4.md).
enum class VwStatus : std::uint16_t {
  ok = 0,
  open_circuit = 1,
  short_circuit = 2,
  no_resonance = 3,  ///< freq = NaN
  measuring = 4,     ///< value is the previous scan's
};

std::string_view to_string(VwStatus status);
std::optional<VwStatus> vw_status_from_string(std::string_view text);

inline constexpr std::size_t XJ_VW4_CHANNELS = 4;
/// Register map (XJ-VW4.md).
inline constexpr std::uint16_t XJ_VW4_IR_FREQ = 0;     ///< 0-7 float32 ABCD [Hz], two per channel
inline constexpr std::uint16_t XJ_VW4_IR_TEMP = 8;     ///< 8-11 int16 x0.1 [degC]
inline constexpr std::uint16_t XJ_VW4_IR_STATUS = 12;  ///< 12-15 uint16 status
inline constexpr std::uint16_t XJ_VW4_IR_COUNT = 16;
inline constexpr std::uint16_t XJ_VW4_HR_UNIT_ID = 100;        ///< 1-247
inline constexpr std::uint16_t XJ_VW4_HR_BAUD_CODE = 101;      ///< 0..4
inline constexpr std::uint16_t XJ_VW4_HR_SCAN_INTERVAL = 102;  ///< [s] 5-3600
inline constexpr std::uint16_t XJ_VW4_HR_COUNT = 3;
/// Quirks: "A request for more than 16 registers is answered with exception 02".
inline constexpr std::uint16_t XJ_VW4_MAX_REGISTERS = 16;

struct VwChannel {
  double freq = 2700.0;      ///< [Hz] resonant frequency (the sheet's worked example)
  double temperature = 20.0; ///< [degC] thermistor
  VwStatus status = VwStatus::ok;
};

struct XjVw4State {
  std::array<VwChannel, XJ_VW4_CHANNELS> channels{};
  std::uint16_t unit_id = 1;           ///< HR 100, stored only: the bus address stays --device's
  std::uint16_t baud_code = 1;         ///< HR 101, 1 = 9600
  std::uint16_t scan_interval_s = 5;   ///< HR 102, "default 5"
};

struct XjVw4Registers {
  std::array<std::uint16_t, XJ_VW4_IR_COUNT> input{};
  std::array<std::uint16_t, XJ_VW4_HR_COUNT> holding{};
};

XjVw4Registers encode_xj_vw4(const XjVw4State& state);

/// Whether the module takes this value in HR 100-102 (the sheet's ranges).
bool xj_vw4_holding_value_ok(std::uint16_t address, std::uint16_t value);

class XjVw4 final : public Device {
 public:
  static constexpr std::string_view MODEL = "XJ-VW4";

  XjVw4(std::string name, int unit);

  std::string_view model() const override { return MODEL; }
  bool supports_function(int function) const override;
  std::uint16_t max_registers_per_request() const override { return XJ_VW4_MAX_REGISTERS; }
  RegisterImage registers(Seconds uptime) const override;
  bool holding_value_ok(std::uint16_t address, std::uint16_t value) const override;
  void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) override;
  SetError set(std::string_view field, std::string_view value, Seconds uptime) override;
  std::vector<std::string_view> fields() const override;
  nlohmann::json state_json(Seconds uptime) const override;

  const XjVw4State& state() const { return state_; }

 private:
  XjVw4State state_;
};

}  // namespace lookout::sim
