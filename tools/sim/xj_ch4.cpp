#include "tools/sim/xj_ch4.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tools/sim/register_words.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

// Function codes of the sheet: IR "function 04", HR "function 03 / 06" (XJ-CH4.md).
constexpr int FC_READ_HOLDING = 0x03;
constexpr int FC_READ_INPUT = 0x04;
constexpr int FC_WRITE_SINGLE = 0x06;

constexpr double CH4_SCALE = 100.0;         // IR 0 "uint16, x0.01"
constexpr double TEMPERATURE_SCALE = 10.0;  // IR 2 "int16, x0.1"

std::uint16_t temperature_word(double celsius) {
  const double raw = std::round(celsius * TEMPERATURE_SCALE);
  const double clamped = std::clamp(raw, double{std::numeric_limits<std::int16_t>::min()},
                                    double{std::numeric_limits<std::int16_t>::max()});
  return i16_word(static_cast<std::int16_t>(clamped));
}

}  // namespace

std::string_view to_string(XjCh4Status status) {
  switch (status) {
    case XjCh4Status::normal: return "normal";
    case XjCh4Status::warming_up: return "warming_up";
    case XjCh4Status::fault: return "fault";
    case XjCh4Status::over_range: return "over_range";
  }
  return "unknown";
}

std::optional<XjCh4Status> xj_ch4_status_from_string(std::string_view text) {
  for (auto s : {XjCh4Status::normal, XjCh4Status::warming_up, XjCh4Status::fault,
                 XjCh4Status::over_range}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

XjCh4Registers encode_xj_ch4(const XjCh4State& state, Seconds uptime) {
  XjCh4Registers regs;
  regs.local_alarm = state.local_alarm;
  regs.input[XJ_CH4_IR_TEMPERATURE] = temperature_word(state.temperature);

  auto& ch4 = regs.input[XJ_CH4_IR_CH4];
  auto& status = regs.input[XJ_CH4_IR_STATUS];
  const double raw = std::round(std::max(state.ch4, 0.0) * CH4_SCALE);
  if (state.status == XjCh4Status::fault) {
    ch4 = XJ_CH4_FAULT_WORD;  // "65535 = element fault"
    status = static_cast<std::uint16_t>(XjCh4Status::fault);
  } else if (state.status == XjCh4Status::warming_up || state.warmup.active(uptime)) {
    ch4 = 0;  // quirks: "During warm-up (status 1), register 0 holds 0"
    status = static_cast<std::uint16_t>(XjCh4Status::warming_up);
  } else if (state.status == XjCh4Status::over_range || raw > XJ_CH4_FULL_SCALE) {
    ch4 = XJ_CH4_FULL_SCALE;  // status 3 "(register 0 reads 400)"
    status = static_cast<std::uint16_t>(XjCh4Status::over_range);
  } else {
    ch4 = static_cast<std::uint16_t>(raw);
    status = static_cast<std::uint16_t>(XjCh4Status::normal);
  }
  return regs;
}

XjCh4::XjCh4(std::string name, int unit, Seconds warmup) : Device(std::move(name), unit) {
  state_.warmup.duration = warmup;
}

bool XjCh4::supports_function(int function) const {
  return function == FC_READ_HOLDING || function == FC_READ_INPUT || function == FC_WRITE_SINGLE;
}

RegisterImage XjCh4::registers(Seconds uptime) const {
  const auto regs = encode_xj_ch4(state_, uptime);
  RegisterImage image;
  image.input.start = XJ_CH4_IR_CH4;
  image.input.words.assign(regs.input.begin(), regs.input.end());
  image.holding.start = XJ_CH4_HR_LOCAL_ALARM;
  image.holding.words = {regs.local_alarm};
  return image;
}

void XjCh4::write_holding(std::uint16_t address, std::uint16_t value, Seconds /*uptime*/) {
  if (address == XJ_CH4_HR_LOCAL_ALARM) state_.local_alarm = value;
}

SetError XjCh4::set(std::string_view field, std::string_view value, Seconds /*uptime*/) {
  if (field == "ch4") {
    const auto v = parse_finite(value);
    if (!v || *v < 0.0) return "ch4 wants a number >= 0 [%CH4], got '" + std::string(value) + "'";
    state_.ch4 = *v;
    return std::nullopt;
  }
  if (field == "temperature") {
    const auto v = parse_finite(value);
    // int16 x0.1 (XJ-CH4.md IR 2)
    if (!v || *v < -3276.8 || *v > 3276.7) {
      return "temperature wants a number in -3276.8..3276.7 [degC], got '" + std::string(value) +
             "'";
    }
    state_.temperature = *v;
    return std::nullopt;
  }
  if (field == "status") {
    const auto s = xj_ch4_status_from_string(value);
    if (!s) {
      return "status wants normal|warming_up|fault|over_range, got '" + std::string(value) + "'";
    }
    state_.status = *s;
    state_.warmup.ended = true;  // an explicit status replaces the power-on warm-up
    return std::nullopt;
  }
  if (field == "local_alarm") {
    const auto v = parse_finite(value);
    if (!v || *v < 0.0 || std::round(*v * CH4_SCALE) > 65535.0) {
      return "local_alarm wants a number in 0..655.35 [%CH4], got '" + std::string(value) + "'";
    }
    state_.local_alarm = static_cast<std::uint16_t>(std::round(*v * CH4_SCALE));
    return std::nullopt;
  }
  return unknown_field_error(*this, field);
}

std::vector<std::string_view> XjCh4::fields() const {
  return {"ch4", "temperature", "status", "local_alarm"};
}

nlohmann::json XjCh4::state_json(Seconds uptime) const {
  const auto regs = encode_xj_ch4(state_, uptime);
  const auto reported = static_cast<XjCh4Status>(regs.input[XJ_CH4_IR_STATUS]);
  return {{"ch4", state_.ch4},
          {"temperature", state_.temperature},
          {"status", to_string(state_.status)},
          {"reported_status", to_string(reported)},
          {"local_alarm", state_.local_alarm / CH4_SCALE},
          {"warming_up", state_.status == XjCh4Status::warming_up || state_.warmup.active(uptime)},
          {"uptime_s", uptime.count()}};
}

}  // namespace lookout::sim
