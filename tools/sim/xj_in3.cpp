#include "tools/sim/xj_in3.hpp"

#include <algorithm>
#include <cmath>

#include "tools/sim/modbus_pdu.hpp"
#include "tools/sim/register_words.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

constexpr double TILT_SCALE = 1000.0;       // "int32 CDAB, x0.001"
constexpr double TEMPERATURE_SCALE = 10.0;  // "int16, x0.1"
// Most a set tilt may be: far beyond the range, well inside int32 x0.001.
constexpr double TILT_LIMIT_DEG = 360.0;

In3Status reported_status(const XjIn3State& state) {
  if (state.status != In3Status::ok) return state.status;
  const bool beyond = std::fabs(state.tilt_x) > XJ_IN3_RANGE_DEG ||
                      std::fabs(state.tilt_y) > XJ_IN3_RANGE_DEG;
  return beyond ? In3Status::out_of_range : In3Status::ok;
}

WordPair tilt_words(double degrees) {
  // Out of range the node reports its range limit (the sheet gives the range, not the value).
  const double clamped = std::clamp(degrees, -XJ_IN3_RANGE_DEG, XJ_IN3_RANGE_DEG);
  return i32_cdab(static_cast<std::int32_t>(std::round(clamped * TILT_SCALE)));
}

}  // namespace

std::string_view to_string(In3Status status) {
  switch (status) {
    case In3Status::ok: return "ok";
    case In3Status::out_of_range: return "out_of_range";
    case In3Status::fault: return "fault";
  }
  return "unknown";
}

std::optional<In3Status> in3_status_from_string(std::string_view text) {
  for (const auto s : {In3Status::ok, In3Status::out_of_range, In3Status::fault}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

XjIn3Registers encode_xj_in3(const XjIn3State& state) {
  const auto x = tilt_words(state.tilt_x);
  const auto y = tilt_words(state.tilt_y);
  const double t = std::clamp(std::round(state.temperature * TEMPERATURE_SCALE), -32768.0, 32767.0);
  return {x[0], x[1], y[0], y[1], i16_word(static_cast<std::int16_t>(t)),
          static_cast<std::uint16_t>(reported_status(state))};
}

bool XjIn3::supports_function(int function) const { return function == FC_READ_INPUT; }

RegisterImage XjIn3::registers(Seconds /*uptime*/) const {
  const auto regs = encode_xj_in3(state_);
  RegisterImage image;
  image.input.start = XJ_IN3_IR_TILT_X;
  image.input.words.assign(regs.begin(), regs.end());
  return image;
}

void XjIn3::write_holding(std::uint16_t /*address*/, std::uint16_t /*value*/, Seconds /*uptime*/) {
  // No holding registers.
}

SetError XjIn3::set(std::string_view field, std::string_view value, Seconds /*uptime*/) {
  const std::string got = ", got '" + std::string(value) + "'";
  if (field == "tilt_x" || field == "tilt_y") {
    const auto v = parse_finite(value);
    if (!v || std::fabs(*v) > TILT_LIMIT_DEG) {
      return std::string(field) + " wants a number in -360..360 [deg]" + got;
    }
    (field == "tilt_x" ? state_.tilt_x : state_.tilt_y) = *v;
    return std::nullopt;
  }
  if (field == "temperature") {
    const auto v = parse_finite(value);
    if (!v || *v < -3276.8 || *v > 3276.7) {
      return "temperature wants a number in -3276.8..3276.7 [degC]" + got;
    }
    state_.temperature = *v;
    return std::nullopt;
  }
  if (field == "status") {
    const auto s = in3_status_from_string(value);
    if (!s) return "status wants ok|out_of_range|fault" + got;
    state_.status = *s;
    return std::nullopt;
  }
  return unknown_field_error(*this, field);
}

std::vector<std::string_view> XjIn3::fields() const {
  return {"tilt_x", "tilt_y", "temperature", "status"};
}

nlohmann::json XjIn3::state_json(Seconds /*uptime*/) const {
  return {{"tilt_x", state_.tilt_x},
          {"tilt_y", state_.tilt_y},
          {"temperature", state_.temperature},
          {"status", to_string(state_.status)},
          {"reported_status", to_string(reported_status(state_))}};
}

}  // namespace lookout::sim
