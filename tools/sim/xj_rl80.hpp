#pragma once
// XJ-RL80 radar water-level gauge (datasheets/XJ-RL80.md).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// HR 3 status (XJ-RL80.md).
enum class Rl80Status : std::uint16_t {
  ok = 0,
  no_echo = 1,     ///< air_gap = 0xFFFFFFFF
  weak_echo = 2,   ///< air_gap is the last good value
  blind_zone = 3,  ///< closer than 300 mm
};

std::string_view to_string(Rl80Status status);
std::optional<Rl80Status> rl80_status_from_string(std::string_view text);

/// Register map (XJ-RL80.md holding registers, function 03).
inline constexpr std::uint16_t XJ_RL80_HR_AIR_GAP = 0;  ///< 0-1 uint32 ABCD [mm]
inline constexpr std::uint16_t XJ_RL80_HR_ECHO = 2;     ///< uint16 [dB]
inline constexpr std::uint16_t XJ_RL80_HR_STATUS = 3;   ///< uint16 status
inline constexpr std::uint16_t XJ_RL80_HR_COUNT = 4;
/// Quirks: "A request for more than 8 registers is answered with exception 02".
inline constexpr std::uint16_t XJ_RL80_MAX_REGISTERS = 8;
inline constexpr std::uint32_t XJ_RL80_NO_ECHO_GAP = 0xFFFFFFFFu;
inline constexpr std::uint32_t XJ_RL80_BLIND_ZONE_MM = 300;  ///< "in blind zone (< 300 mm)"
inline constexpr std::uint32_t XJ_RL80_RANGE_MM = 80000;     ///< "Range 0.3-80 m"

struct XjRl80State {
  std::uint32_t air_gap_mm = 2350;  ///< [mm] true face-to-water gap (the sheet's example)
  std::uint16_t echo_db = 40;       ///< [dB]
  /// Forced status; ok follows air_gap (< 300 mm -> blind zone, > 80 m -> no echo).
  Rl80Status status = Rl80Status::ok;
  std::uint32_t last_good_mm = 2350;  ///< [mm] what a weak echo reports
};

using XjRl80Registers = std::array<std::uint16_t, XJ_RL80_HR_COUNT>;

XjRl80Registers encode_xj_rl80(const XjRl80State& state);

class XjRl80 final : public Device {
 public:
  static constexpr std::string_view MODEL = "XJ-RL80";

  XjRl80(std::string name, int unit) : Device(std::move(name), unit) {}

  std::string_view model() const override { return MODEL; }
  bool supports_function(int function) const override;
  std::uint16_t max_registers_per_request() const override { return XJ_RL80_MAX_REGISTERS; }
  RegisterImage registers(Seconds uptime) const override;
  void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) override;
  SetError set(std::string_view field, std::string_view value, Seconds uptime) override;
  std::vector<std::string_view> fields() const override;
  nlohmann::json state_json(Seconds uptime) const override;

  const XjRl80State& state() const { return state_; }

 private:
  XjRl80State state_;
};

}  // namespace lookout::sim
