#include "tools/sim/xj_gd100.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tools/sim/register_words.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

constexpr int FC_READ_HOLDING = 0x03;  // "Holding registers (function 03)": read-only map
constexpr double SECONDS_PER_HOUR = 3600.0;

// Ranges from XJ-GD100.md; setpoints are common factory defaults (O2 alarm 1 is the
// deficiency alarm, 19.5 %VOL, alarm 2 the enrichment alarm, 23.5 %VOL).
constexpr std::array<GasInfo, 6> GASES{{
    {Gas::ch4, "CH4", GasUnit::lel, 100.0, 20.0, 50.0, 0.0},
    {Gas::h2s, "H2S", GasUnit::ppm, 100.0, 10.0, 20.0, 0.0},
    {Gas::co, "CO", GasUnit::ppm, 1000.0, 50.0, 100.0, 0.0},
    {Gas::o2, "O2", GasUnit::vol, 30.0, 19.5, 23.5, 20.9},
    {Gas::nh3, "NH3", GasUnit::ppm, 200.0, 30.0, 60.0, 0.0},
    {Gas::cl2, "Cl2", GasUnit::ppm, 20.0, 1.0, 2.0, 0.0},
}};

void put(XjGd100Registers& regs, std::uint16_t address, WordPair words) {
  regs[address] = words[0];
  regs[address + 1] = words[1];
}

std::uint32_t run_hours(const XjGd100State& state, Seconds uptime) {
  const auto elapsed = static_cast<std::int64_t>(std::floor(uptime.count() / SECONDS_PER_HOUR));
  const auto hours = state.run_hours_at_start + std::max<std::int64_t>(elapsed, 0);
  return static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(hours, 0, std::numeric_limits<std::uint32_t>::max()));
}

SetError bad_number(std::string_view field, std::string_view value) {
  return std::string(field) + " wants a number, got '" + std::string(value) + "'";
}

}  // namespace

const GasInfo& gas_info(Gas gas) {
  for (const auto& info : GASES) {
    if (info.gas == gas) return info;
  }
  return GASES[1];
}

std::optional<Gas> gas_from_string(std::string_view text) {
  for (const auto& info : GASES) {
    if (info.name == text) return info.gas;
  }
  return std::nullopt;
}

std::string_view to_string(GasUnit unit) {
  switch (unit) {
    case GasUnit::lel: return "%LEL";
    case GasUnit::ppm: return "ppm";
    case GasUnit::vol: return "%VOL";
  }
  return "unknown";
}

std::string_view to_string(XjGd100Mode mode) {
  switch (mode) {
    case XjGd100Mode::normal: return "normal";
    case XjGd100Mode::warming_up: return "warming_up";
    case XjGd100Mode::calibration: return "calibration";
    case XjGd100Mode::inhibited: return "inhibited";
  }
  return "unknown";
}

std::string_view to_string(XjGd100Fault fault) {
  switch (fault) {
    case XjGd100Fault::none: return "none";
    case XjGd100Fault::element: return "element";
    case XjGd100Fault::loop: return "loop";
    case XjGd100Fault::calibration_expired: return "calibration_expired";
    case XjGd100Fault::over_range: return "over_range";
  }
  return "unknown";
}

std::optional<XjGd100Mode> xj_gd100_mode_from_string(std::string_view text) {
  for (auto m : {XjGd100Mode::normal, XjGd100Mode::warming_up, XjGd100Mode::calibration,
                 XjGd100Mode::inhibited}) {
    if (text == to_string(m)) return m;
  }
  return std::nullopt;
}

std::optional<XjGd100Fault> xj_gd100_fault_from_string(std::string_view text) {
  for (auto f : {XjGd100Fault::none, XjGd100Fault::element, XjGd100Fault::loop,
                 XjGd100Fault::calibration_expired, XjGd100Fault::over_range}) {
    if (text == to_string(f)) return f;
  }
  return std::nullopt;
}

XjGd100Registers encode_xj_gd100(const XjGd100State& state, Seconds uptime) {
  const auto& gas = gas_info(state.gas);
  const float nan = std::numeric_limits<float>::quiet_NaN();

  std::uint16_t bits = 0;
  auto fault_code = state.fault;
  float concentration = nan;

  if (state.mode == XjGd100Mode::warming_up || state.warmup.active(uptime)) {
    bits |= XJ_GD100_BIT_WARMING_UP;  // quirks: "bit0 is set and concentration is NaN"
  } else if (state.mode == XjGd100Mode::calibration || state.mode == XjGd100Mode::inhibited) {
    // quirks: "the concentration is test gas, not the air"; relays stay quiet.
    bits |= state.mode == XjGd100Mode::calibration ? XJ_GD100_BIT_CALIBRATION
                                                   : XJ_GD100_BIT_INHIBITED;
    concentration = static_cast<float>(state.concentration);
  } else if (state.fault == XjGd100Fault::element || state.fault == XjGd100Fault::loop) {
    // A dead element or loop measures nothing (README.md: "last value or NaN").
  } else {
    bits |= XJ_GD100_BIT_MONITORING;  // also with fault 3: "still measures" (quirks)
    double value = state.concentration;
    if (state.fault == XjGd100Fault::over_range || value > gas.full_scale) {
      value = gas.full_scale;  // quirks: "clamped at full scale and fault_code = 4"
      fault_code = XjGd100Fault::over_range;
    }
    concentration = static_cast<float>(value);
    // O2 alarm 1 is the deficiency alarm: active at or below its setpoint.
    const bool alarm1 = state.gas == Gas::o2 ? value <= state.alarm1 : value >= state.alarm1;
    if (alarm1) bits |= XJ_GD100_BIT_ALARM1;
    if (value >= state.alarm2) bits |= XJ_GD100_BIT_ALARM2;
  }
  if (fault_code != XjGd100Fault::none) bits |= XJ_GD100_BIT_FAULT;
  if (state.maintenance_due) bits |= XJ_GD100_BIT_MAINTENANCE_DUE;

  XjGd100Registers regs{};
  regs[XJ_GD100_HR_STATUS] = bits;
  regs[XJ_GD100_HR_GAS] = static_cast<std::uint16_t>(state.gas);
  put(regs, XJ_GD100_HR_CONCENTRATION, f32_cdab(concentration));
  regs[XJ_GD100_HR_UNIT] = static_cast<std::uint16_t>(state.unit);
  regs[XJ_GD100_HR_FAULT] = static_cast<std::uint16_t>(fault_code);
  put(regs, XJ_GD100_HR_ALARM1, f32_cdab(static_cast<float>(state.alarm1)));
  put(regs, XJ_GD100_HR_ALARM2, f32_cdab(static_cast<float>(state.alarm2)));
  put(regs, XJ_GD100_HR_RUN_HOURS, u32_cdab(run_hours(state, uptime)));
  return regs;
}

void select_gas(XjGd100State& state, Gas gas) {
  const auto& info = gas_info(gas);
  state.gas = gas;
  state.unit = info.unit;
  state.alarm1 = info.alarm1;
  state.alarm2 = info.alarm2;
  state.concentration = info.clean_air;
}

XjGd100::XjGd100(std::string name, int unit, Seconds warmup) : Device(std::move(name), unit) {
  select_gas(state_, Gas::h2s);
  state_.warmup.duration = warmup;
}

bool XjGd100::supports_function(int function) const { return function == FC_READ_HOLDING; }

RegisterImage XjGd100::registers(Seconds uptime) const {
  const auto regs = encode_xj_gd100(state_, uptime);
  RegisterImage image;
  image.holding.start = XJ_GD100_HR_STATUS;
  image.holding.words.assign(regs.begin(), regs.end());
  return image;
}

void XjGd100::write_holding(std::uint16_t /*address*/, std::uint16_t /*value*/, Seconds /*uptime*/) {
  // Read-only map: the transport refuses write functions (supports_function).
}

SetError XjGd100::set(std::string_view field, std::string_view value, Seconds uptime) {
  // The float registers are float32: refuse what would not fit.
  constexpr double FLOAT_MAX = std::numeric_limits<float>::max();
  if (field == "concentration" || field == "alarm1" || field == "alarm2") {
    const auto v = parse_finite(value);
    if (!v || std::fabs(*v) > FLOAT_MAX) return bad_number(field, value);
    if (field == "concentration") state_.concentration = *v;
    if (field == "alarm1") state_.alarm1 = *v;
    if (field == "alarm2") state_.alarm2 = *v;
    return std::nullopt;
  }
  if (field == "gas") {
    const auto g = gas_from_string(value);
    if (!g) return "gas wants CH4|H2S|CO|O2|NH3|Cl2, got '" + std::string(value) + "'";
    select_gas(state_, *g);
    return std::nullopt;
  }
  if (field == "mode") {
    const auto m = xj_gd100_mode_from_string(value);
    if (!m) {
      return "mode wants normal|warming_up|calibration|inhibited, got '" + std::string(value) +
             "'";
    }
    state_.mode = *m;
    state_.warmup.ended = true;  // an explicit mode replaces the power-on warm-up
    return std::nullopt;
  }
  if (field == "fault") {
    const auto f = xj_gd100_fault_from_string(value);
    if (!f) {
      return "fault wants none|element|loop|calibration_expired|over_range, got '" +
             std::string(value) + "'";
    }
    state_.fault = *f;
    return std::nullopt;
  }
  if (field == "maintenance_due") {
    if (value != "0" && value != "1") {
      return "maintenance_due wants 0|1, got '" + std::string(value) + "'";
    }
    state_.maintenance_due = value == "1";
    return std::nullopt;
  }
  if (field == "run_hours") {
    const auto v = parse_unsigned(value, std::numeric_limits<std::uint32_t>::max());
    if (!v) return "run_hours wants an integer in 0..4294967295, got '" + std::string(value) + "'";
    const auto elapsed = static_cast<std::int64_t>(std::floor(uptime.count() / SECONDS_PER_HOUR));
    state_.run_hours_at_start = static_cast<std::int64_t>(*v) - elapsed;
    return std::nullopt;
  }
  return unknown_field_error(*this, field);
}

std::vector<std::string_view> XjGd100::fields() const {
  return {"concentration", "gas",    "mode",   "fault",
          "maintenance_due", "alarm1", "alarm2", "run_hours"};
}

nlohmann::json XjGd100::state_json(Seconds uptime) const {
  const auto regs = encode_xj_gd100(state_, uptime);
  return {{"gas", gas_info(state_.gas).name},
          {"unit", to_string(state_.unit)},
          {"concentration", state_.concentration},
          {"mode", to_string(state_.mode)},
          {"fault", to_string(state_.fault)},
          {"reported_fault",
           to_string(static_cast<XjGd100Fault>(regs[XJ_GD100_HR_FAULT]))},
          {"maintenance_due", state_.maintenance_due},
          {"alarm1", state_.alarm1},
          {"alarm2", state_.alarm2},
          {"run_hours", run_hours(state_, uptime)},
          {"warming_up", (regs[XJ_GD100_HR_STATUS] & XJ_GD100_BIT_WARMING_UP) != 0},
          {"uptime_s", uptime.count()}};
}

}  // namespace lookout::sim
