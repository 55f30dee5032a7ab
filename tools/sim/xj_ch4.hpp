#pragma once
// XJ-CH4 coal-mine methane sensor, catalytic 0-4.00 %CH4 (datasheets/XJ-CH4.md).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// IR 1 status codes (XJ-CH4.md input registers, address 1).
enum class XjCh4Status : std::uint16_t {
  normal = 0,
  warming_up = 1,
  fault = 2,       ///< element fault
  over_range = 3,  ///< register 0 reads 400
};

std::string_view to_string(XjCh4Status status);
std::optional<XjCh4Status> xj_ch4_status_from_string(std::string_view text);

/// Register map (XJ-CH4.md).
inline constexpr std::uint16_t XJ_CH4_IR_CH4 = 0;          ///< uint16 x0.01 %CH4
inline constexpr std::uint16_t XJ_CH4_IR_STATUS = 1;       ///< uint16 status code
inline constexpr std::uint16_t XJ_CH4_IR_TEMPERATURE = 2;  ///< int16 x0.1 degC
inline constexpr std::uint16_t XJ_CH4_IR_COUNT = 3;
inline constexpr std::uint16_t XJ_CH4_HR_LOCAL_ALARM = 10;  ///< uint16 x0.01 %CH4
inline constexpr std::uint16_t XJ_CH4_FULL_SCALE = 400;     ///< range 0-400 (0.00-4.00 %CH4)
inline constexpr std::uint16_t XJ_CH4_FAULT_WORD = 65535;   ///< "65535 = element fault"
inline constexpr std::uint16_t XJ_CH4_DEFAULT_LOCAL_ALARM = 100;  ///< "default 100 (1.00 %)"

struct XjCh4State {
  double ch4 = 0.0;             ///< [%CH4] what the element sees
  double temperature = 20.0;    ///< [degC]
  /// Forced status: normal follows ch4 (over 4.00 -> over_range); the others hold
  /// until "status normal".
  XjCh4Status status = XjCh4Status::normal;
  std::uint16_t local_alarm = XJ_CH4_DEFAULT_LOCAL_ALARM;  ///< [0.01 %CH4] HR 10
  WarmUp warmup;
};

struct XjCh4Registers {
  std::array<std::uint16_t, XJ_CH4_IR_COUNT> input{};  ///< IR 0..2
  std::uint16_t local_alarm = 0;                        ///< HR 10
};

/// The words the sensor answers with at this uptime.
XjCh4Registers encode_xj_ch4(const XjCh4State& state, Seconds uptime);

class XjCh4 final : public Device {
 public:
  static constexpr std::string_view MODEL = "XJ-CH4";

  XjCh4(std::string name, int unit, Seconds warmup);

  std::string_view model() const override { return MODEL; }
  bool supports_function(int function) const override;
  RegisterImage registers(Seconds uptime) const override;
  void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) override;
  SetError set(std::string_view field, std::string_view value, Seconds uptime) override;
  std::vector<std::string_view> fields() const override;
  nlohmann::json state_json(Seconds uptime) const override;

  const XjCh4State& state() const { return state_; }

 private:
  XjCh4State state_;
};

}  // namespace lookout::sim
