#pragma once
// XJ-RG2 tipping-bucket rain gauge with counter (datasheets/XJ-RG2.md).

#include <array>
#include <cstdint>
#include <optional>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// Register map (XJ-RG2.md holding registers, function 03).
inline constexpr std::uint16_t XJ_RG2_HR_TIPS = 0;        ///< 0-1 uint32 CDAB, wraps at 2^32
inline constexpr std::uint16_t XJ_RG2_HR_RESOLUTION = 2;  ///< 0 = 0.1, 1 = 0.2, 2 = 0.5 mm/tip
inline constexpr std::uint16_t XJ_RG2_HR_TODAY = 3;       ///< uint16 [0.1 mm] unreliable
inline constexpr std::uint16_t XJ_RG2_HR_BOOT_COUNT = 4;  ///< uint16
inline constexpr std::uint16_t XJ_RG2_HR_COUNT = 5;

/// [mm] rain per tip of a resolution code; nullopt for a code the sheet does not list.
std::optional<double> xj_rg2_mm_per_tip(std::uint16_t resolution_code);

struct XjRg2State {
  std::uint64_t tips = 0;            ///< tips since power-on, up to rate_since; reported mod 2^32
  double partial_tip = 0.0;          ///< a bucket part-filled at rate_since, 0..1
  double rain_rate = 0.0;            ///< [mm/h] rain falling from rate_since on
  Seconds rate_since{0.0};           ///< uptime the counter was last brought up to date
  std::uint16_t resolution_code = 1; ///< "1 = 0.2 mm (default)"
  std::uint16_t boot_count = 1;      ///< the simulator's start is a power-on
};

/// [tips] counted since power-on at this uptime, with the rain rate (not yet wrapped).
std::uint64_t xj_rg2_tips(const XjRg2State& state, Seconds uptime);

/// Folds the tips the rain rate made up to `uptime` into the state.
void xj_rg2_settle(XjRg2State& state, Seconds uptime);

/// A power cut and restart at `uptime`: the counter restarts at 0, boot_count + 1.
void xj_rg2_power_cycle(XjRg2State& state, Seconds uptime);

using XjRg2Registers = std::array<std::uint16_t, XJ_RG2_HR_COUNT>;

XjRg2Registers encode_xj_rg2(const XjRg2State& state, Seconds uptime);

class XjRg2 final : public Device {
 public:
  static constexpr std::string_view MODEL = "XJ-RG2";

  XjRg2(std::string name, int unit) : Device(std::move(name), unit) {}

  std::string_view model() const override { return MODEL; }
  bool supports_function(int function) const override;
  RegisterImage registers(Seconds uptime) const override;
  void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) override;
  SetError set(std::string_view field, std::string_view value, Seconds uptime) override;
  std::vector<std::string_view> fields() const override;
  nlohmann::json state_json(Seconds uptime) const override;

  const XjRg2State& state() const { return state_; }

 private:
  XjRg2State state_;
};

}  // namespace lookout::sim
