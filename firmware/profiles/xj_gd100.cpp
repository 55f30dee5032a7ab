// XJ-GD100 fixed gas detector: combustible %LEL, toxic ppm, O2 %VOL (datasheets/XJ-GD100.md).

#include <array>
#include <cmath>

#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware::profiles {
namespace {

using wire::DeviceStatus;
using wire::Quality;

// Status register bits, HR 0.
constexpr unsigned BIT_WARMING_UP = 1U << 0;
constexpr unsigned BIT_CALIBRATION = 1U << 2;
constexpr unsigned BIT_INHIBITED = 1U << 3;
constexpr unsigned BIT_FAULT = 1U << 4;
constexpr unsigned BIT_MAINTENANCE_DUE = 1U << 5;

// Fault codes, HR 5.
constexpr int FAULT_NONE = 0;
constexpr int FAULT_ELEMENT = 1;
constexpr int FAULT_LOOP = 2;
constexpr int FAULT_CALIBRATION_EXPIRED = 3;
constexpr int FAULT_OVER_RANGE = 4;

struct Gas {
  int code;                   // HR 1 gas_code
  std::string_view quantity;  // our quantity name
  double full_scale;          // "Ranges", in the gas's usual unit
};

// "1 CH4, 2 H2S, 3 CO, 4 O2, 5 NH3, 6 Cl2"; "CH4 0-100 %LEL, H2S 0-100 ppm, CO 0-1000 ppm,
// O2 0-30 %VOL, NH3 0-200 ppm, Cl2 0-20 ppm". CH4 on this detector is combustible gas in %LEL.
constexpr std::array<Gas, 6> GASES{{
    {1, "combustible", 100.0},
    {2, "h2s", 100.0},
    {3, "co", 1000.0},
    {4, "o2", 30.0},
    {5, "nh3", 200.0},
    {6, "cl2", 20.0},
}};

// HR 4 unit_code: "0 %LEL, 1 ppm, 2 %VOL".
constexpr std::array<std::string_view, 3> UNITS{"%LEL", "ppm", "%VOL"};

std::vector<ChannelValue> interpret(const FieldValues& f, const DeviceOptions& /*options*/, DeviceState& /*state*/) {
  const auto status = static_cast<unsigned>(f.get("status"));
  const auto gas_code = static_cast<int>(f.get("gas_code"));
  const auto unit_code = static_cast<int>(f.get("unit_code"));
  const auto fault_code = static_cast<int>(f.get("fault_code"));
  const double concentration = f.get("concentration");

  ChannelValue out{"gas", "gas", "", std::nullopt, Quality::bad, DeviceStatus::ok};
  const Gas* gas = nullptr;
  for (const auto& g : GASES) {
    if (g.code == gas_code) gas = &g;
  }
  if (unit_code >= 0 && unit_code < static_cast<int>(UNITS.size())) {
    out.unit = UNITS[static_cast<std::size_t>(unit_code)];
  }
  if (gas == nullptr || out.unit.empty()) {
    out.status = DeviceStatus::invalid_response;  // a gas or unit code the sheet does not define
    return {out};
  }
  out.quantity = gas->quantity;

  if (status & BIT_WARMING_UP) {
    out.status = DeviceStatus::warming_up;  // "concentration is NaN"
  } else if (status & BIT_CALIBRATION) {
    out.status = DeviceStatus::calibration;  // "test gas, not the air ... never raise or clear an alarm"
  } else if (status & BIT_INHIBITED) {
    out.status = DeviceStatus::inhibited;
  } else if (fault_code == FAULT_OVER_RANGE) {
    // "clamped at full scale and fault_code = 4 ... treated as dangerous, never as missing"
    out.quality = Quality::uncertain;
    out.status = DeviceStatus::over_range;
    out.value = std::isfinite(concentration) ? std::max(concentration, gas->full_scale) : gas->full_scale;
  } else if ((status & BIT_FAULT) && fault_code == FAULT_CALIBRATION_EXPIRED) {
    // "still measures; it is a maintenance condition, not a dead sensor"
    if (std::isfinite(concentration)) {
      out.quality = Quality::uncertain;
      out.value = concentration;
      out.status = DeviceStatus::calibration_expired;
    } else {
      out.status = DeviceStatus::invalid_response;
    }
  } else if ((status & BIT_FAULT) || fault_code == FAULT_ELEMENT || fault_code == FAULT_LOOP) {
    out.status = fault_code == FAULT_LOOP ? DeviceStatus::loop_fault : DeviceStatus::sensor_fault;
  } else if (fault_code != FAULT_NONE || !std::isfinite(concentration)) {
    out.status = DeviceStatus::invalid_response;
  } else {
    out.quality = Quality::good;
    out.value = concentration;
    if (status & BIT_MAINTENANCE_DUE) out.status = DeviceStatus::maintenance_due;
  }
  return {out};
}

}  // namespace

Profile xj_gd100() {
  return Profile{
      .model = "XJ-GD100",
      .sheet = "datasheets/XJ-GD100.md",
      .fields =
          {
              {"status", RegisterKind::holding, 0, ValueType::u16, WordOrder::abcd, 1.0, "HR 0 status bits"},
              {"gas_code", RegisterKind::holding, 1, ValueType::u16, WordOrder::abcd, 1.0, "HR 1 gas_code"},
              {"concentration", RegisterKind::holding, 2, ValueType::f32, WordOrder::cdab, 1.0,
               "HR 2-3 float32 CDAB"},
              {"unit_code", RegisterKind::holding, 4, ValueType::u16, WordOrder::abcd, 1.0, "HR 4 unit_code"},
              {"fault_code", RegisterKind::holding, 5, ValueType::u16, WordOrder::abcd, 1.0, "HR 5 fault_code"},
              {"alarm1_setpoint", RegisterKind::holding, 6, ValueType::f32, WordOrder::cdab, 1.0,
               "HR 6-7 float32 CDAB"},
              {"alarm2_setpoint", RegisterKind::holding, 8, ValueType::f32, WordOrder::cdab, 1.0,
               "HR 8-9 float32 CDAB"},
              {"run_hours", RegisterKind::holding, 10, ValueType::u32, WordOrder::cdab, 1.0, "HR 10-11 uint32 CDAB"},
          },
      .max_registers_per_request = 125,
      .recommended_poll_ms = 2000,  // "Recommended poll period: 2 s"
      .channels = {{"gas", "gas", ""}},
      .interpret = interpret,
  };
}

}  // namespace lookout::firmware::profiles
