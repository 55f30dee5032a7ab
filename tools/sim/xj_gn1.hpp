#pragma once
// XJ-GN1 GNSS displacement station (datasheets/XJ-GN1.md), a Modbus TCP device.
//
// The station publishes one solution per epoch: at power-on, then every hour (mode 0) or
// every 10 min (mode 1), counted from power-on. Control values are staged and go out with
// the next epoch ("the offsets change only when epoch changes"); "new_epoch 1" makes one now.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// IR 6 solution type (XJ-GN1.md).
enum class GnSolution : std::uint16_t { none = 0, single = 1, float_ = 2, fixed = 4 };

std::string_view to_string(GnSolution solution);
std::optional<GnSolution> gn_solution_from_string(std::string_view text);

/// Register map (XJ-GN1.md).
inline constexpr std::uint16_t XJ_GN1_IR_D_NORTH = 0;     ///< 0-1 float32 ABCD [mm]
inline constexpr std::uint16_t XJ_GN1_IR_D_EAST = 2;      ///< 2-3 float32 ABCD [mm]
inline constexpr std::uint16_t XJ_GN1_IR_D_UP = 4;        ///< 4-5 float32 ABCD [mm]
inline constexpr std::uint16_t XJ_GN1_IR_SOLUTION = 6;    ///< uint16
inline constexpr std::uint16_t XJ_GN1_IR_SATELLITES = 7;  ///< uint16
inline constexpr std::uint16_t XJ_GN1_IR_EPOCH = 8;       ///< 8-9 uint32 ABCD [s] Unix time
inline constexpr std::uint16_t XJ_GN1_IR_COUNT = 10;
inline constexpr std::uint16_t XJ_GN1_HR_MODE = 20;       ///< 0 static, 1 fast-static
inline constexpr double XJ_GN1_STATIC_PERIOD_S = 3600.0;       ///< "one solution per hour"
inline constexpr double XJ_GN1_FAST_STATIC_PERIOD_S = 600.0;   ///< "one per 10 min"

struct GnFix {
  double d_north = 0.0;  ///< [mm]
  double d_east = 0.0;   ///< [mm]
  double d_up = 0.0;     ///< [mm]
  GnSolution solution = GnSolution::fixed;
  std::uint16_t satellites = 14;
};

struct XjGn1State {
  GnFix staged;                   ///< what the next epoch reports (control "set")
  GnFix published;                ///< what the registers hold
  std::uint32_t epoch = 0;        ///< [s] Unix time of `published`
  Seconds published_at{0.0};      ///< uptime of `published`
  std::uint16_t mode = 0;         ///< HR 20
  double period_override_s = 0.0; ///< [s] control epoch_period_s; 0 = by mode
  std::int64_t unix_at_start = 0; ///< [s] Unix time at uptime 0
};

/// A state whose first solution (fixed, zero offsets) is at power-on, Unix time unix_now.
XjGn1State xj_gn1_initial_state(std::int64_t unix_now);

/// [s] time between automatic epochs.
double xj_gn1_period_s(const XjGn1State& state);

/// Publishes the staged solution if an epoch fell due since the last one.
void xj_gn1_settle(XjGn1State& state, Seconds uptime);

/// Switches mode (HR 20): the next epoch is the new period's next boundary.
void xj_gn1_set_mode(XjGn1State& state, std::uint16_t mode, Seconds uptime);

/// Publishes the staged solution now (a new epoch, later than the last).
void xj_gn1_new_epoch(XjGn1State& state, Seconds uptime);

struct XjGn1Registers {
  std::array<std::uint16_t, XJ_GN1_IR_COUNT> input{};
  std::uint16_t mode = 0;  ///< HR 20
};

XjGn1Registers encode_xj_gn1(const XjGn1State& state, Seconds uptime);

class XjGn1 final : public Device {
 public:
  static constexpr std::string_view MODEL = "XJ-GN1";

  XjGn1(std::string name, int unit);

  std::string_view model() const override { return MODEL; }
  bool serial() const override { return false; }  // "Modbus TCP, port 502"
  bool supports_function(int function) const override;
  RegisterImage registers(Seconds uptime) const override;
  bool holding_value_ok(std::uint16_t address, std::uint16_t value) const override;
  void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) override;
  SetError set(std::string_view field, std::string_view value, Seconds uptime) override;
  std::vector<std::string_view> fields() const override;
  nlohmann::json state_json(Seconds uptime) const override;

  const XjGn1State& state() const { return state_; }

 private:
  XjGn1State state_;
};

}  // namespace lookout::sim
