#pragma once
// XJ-GD100 fixed gas detector (datasheets/XJ-GD100.md).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// HR 1 gas_code (XJ-GD100.md).
enum class Gas : std::uint16_t { ch4 = 1, h2s = 2, co = 3, o2 = 4, nh3 = 5, cl2 = 6 };

/// HR 4 unit_code (XJ-GD100.md).
enum class GasUnit : std::uint16_t { lel = 0, ppm = 1, vol = 2 };

/// HR 5 fault_code (XJ-GD100.md).
enum class XjGd100Fault : std::uint16_t {
  none = 0,
  element = 1,              ///< sensing element failed
  loop = 2,                 ///< loop fault
  calibration_expired = 3,  ///< still measures (quirks)
  over_range = 4,           ///< concentration clamped at full scale
};

/// What the detector is doing (status bits 0-3).
enum class XjGd100Mode { normal, warming_up, calibration, inhibited };

/// Per-gas facts: the sheet's range table plus device defaults.
struct GasInfo {
  Gas gas;
  std::string_view name;  ///< as the control protocol spells it: CH4, H2S, CO, O2, NH3, Cl2
  GasUnit unit;           ///< default unit: CH4 %LEL, O2 %VOL, others ppm
  double full_scale;      ///< XJ-GD100.md "Ranges"
  double alarm1;          ///< default alarm 1 setpoint (O2: low alarm)
  double alarm2;          ///< default alarm 2 setpoint
  double clean_air;       ///< concentration in clean air, after a gas change
};

const GasInfo& gas_info(Gas gas);
std::optional<Gas> gas_from_string(std::string_view text);
std::string_view to_string(GasUnit unit);
std::string_view to_string(XjGd100Mode mode);
std::string_view to_string(XjGd100Fault fault);
std::optional<XjGd100Mode> xj_gd100_mode_from_string(std::string_view text);
std::optional<XjGd100Fault> xj_gd100_fault_from_string(std::string_view text);

/// Register map (XJ-GD100.md holding registers, function 03).
inline constexpr std::uint16_t XJ_GD100_HR_STATUS = 0;         ///< uint16 bits
inline constexpr std::uint16_t XJ_GD100_HR_GAS = 1;            ///< uint16 gas_code
inline constexpr std::uint16_t XJ_GD100_HR_CONCENTRATION = 2;  ///< 2-3 float32 CDAB
inline constexpr std::uint16_t XJ_GD100_HR_UNIT = 4;           ///< uint16 unit_code
inline constexpr std::uint16_t XJ_GD100_HR_FAULT = 5;          ///< uint16 fault_code
inline constexpr std::uint16_t XJ_GD100_HR_ALARM1 = 6;         ///< 6-7 float32 CDAB
inline constexpr std::uint16_t XJ_GD100_HR_ALARM2 = 8;         ///< 8-9 float32 CDAB
inline constexpr std::uint16_t XJ_GD100_HR_RUN_HOURS = 10;     ///< 10-11 uint32 CDAB
inline constexpr std::uint16_t XJ_GD100_HR_COUNT = 12;

/// HR 0 status bits (XJ-GD100.md).
inline constexpr std::uint16_t XJ_GD100_BIT_WARMING_UP = 1u << 0;
inline constexpr std::uint16_t XJ_GD100_BIT_MONITORING = 1u << 1;
inline constexpr std::uint16_t XJ_GD100_BIT_CALIBRATION = 1u << 2;
inline constexpr std::uint16_t XJ_GD100_BIT_INHIBITED = 1u << 3;
inline constexpr std::uint16_t XJ_GD100_BIT_FAULT = 1u << 4;
inline constexpr std::uint16_t XJ_GD100_BIT_MAINTENANCE_DUE = 1u << 5;
inline constexpr std::uint16_t XJ_GD100_BIT_ALARM1 = 1u << 6;
inline constexpr std::uint16_t XJ_GD100_BIT_ALARM2 = 1u << 7;

struct XjGd100State {
  Gas gas = Gas::h2s;                  ///< device default: H2S cell
  GasUnit unit = GasUnit::ppm;         ///< follows the gas
  double concentration = 0.0;          ///< in `unit`: the air, or the test gas in calibration
  XjGd100Mode mode = XjGd100Mode::normal;
  XjGd100Fault fault = XjGd100Fault::none;
  bool maintenance_due = false;
  double alarm1 = 10.0;                ///< in `unit`
  double alarm2 = 20.0;                ///< in `unit`
  std::int64_t run_hours_at_start = 0; ///< [h] run_hours at uptime 0
  WarmUp warmup;
};

using XjGd100Registers = std::array<std::uint16_t, XJ_GD100_HR_COUNT>;

/// The words the detector answers with at this uptime.
XjGd100Registers encode_xj_gd100(const XjGd100State& state, Seconds uptime);

/// Resets unit, setpoints and concentration to the gas's defaults.
void select_gas(XjGd100State& state, Gas gas);

class XjGd100 final : public Device {
 public:
  static constexpr std::string_view MODEL = "XJ-GD100";

  XjGd100(std::string name, int unit, Seconds warmup);

  std::string_view model() const override { return MODEL; }
  bool supports_function(int function) const override;
  RegisterImage registers(Seconds uptime) const override;
  void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) override;
  SetError set(std::string_view field, std::string_view value, Seconds uptime) override;
  std::vector<std::string_view> fields() const override;
  nlohmann::json state_json(Seconds uptime) const override;

  const XjGd100State& state() const { return state_; }

 private:
  XjGd100State state_;
};

}  // namespace lookout::sim
