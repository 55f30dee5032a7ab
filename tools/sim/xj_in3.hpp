#pragma once
// XJ-IN3 MEMS in-place inclinometer node (datasheets/XJ-IN3.md). A borehole string is
// several of these on one bus, one unit id per node (1 = deepest).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// IR 5 status (XJ-IN3.md).
enum class In3Status : std::uint16_t { ok = 0, out_of_range = 1, fault = 2 };

std::string_view to_string(In3Status status);
std::optional<In3Status> in3_status_from_string(std::string_view text);

/// Register map (XJ-IN3.md input registers, function 04).
inline constexpr std::uint16_t XJ_IN3_IR_TILT_X = 0;       ///< 0-1 int32 CDAB x0.001 [deg]
inline constexpr std::uint16_t XJ_IN3_IR_TILT_Y = 2;       ///< 2-3 int32 CDAB x0.001 [deg]
inline constexpr std::uint16_t XJ_IN3_IR_TEMPERATURE = 4;  ///< int16 x0.1 [degC]
inline constexpr std::uint16_t XJ_IN3_IR_STATUS = 5;       ///< uint16 status
inline constexpr std::uint16_t XJ_IN3_IR_COUNT = 6;
inline constexpr double XJ_IN3_RANGE_DEG = 30.0;  ///< "+-30.000"

struct XjIn3State {
  double tilt_x = 0.0;        ///< [deg]
  double tilt_y = 0.0;        ///< [deg]
  double temperature = 15.0;  ///< [degC]
  /// Forced status; ok follows the tilts (beyond +-30.000 deg -> out_of_range).
  In3Status status = In3Status::ok;
};

using XjIn3Registers = std::array<std::uint16_t, XJ_IN3_IR_COUNT>;

XjIn3Registers encode_xj_in3(const XjIn3State& state);

class XjIn3 final : public Device {
 public:
  static constexpr std::string_view MODEL = "XJ-IN3";

  XjIn3(std::string name, int unit) : Device(std::move(name), unit) {}

  std::string_view model() const override { return MODEL; }
  bool supports_function(int function) const override;
  RegisterImage registers(Seconds uptime) const override;
  void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) override;
  SetError set(std::string_view field, std::string_view value, Seconds uptime) override;
  std::vector<std::string_view> fields() const override;
  nlohmann::json state_json(Seconds uptime) const override;

  const XjIn3State& state() const { return state_; }

 private:
  XjIn3State state_;
};

}  // namespace lookout::sim
