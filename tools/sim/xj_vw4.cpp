#include "tools/sim/xj_vw4.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tools/sim/modbus_pdu.hpp"
#include "tools/sim/register_words.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

constexpr double TEMPERATURE_SCALE = 10.0;  // "int16, x0.1"
constexpr std::array<VwStatus, 5> STATUSES{VwStatus::ok, VwStatus::open_circuit,
                                           VwStatus::short_circuit, VwStatus::no_resonance,
                                           VwStatus::measuring};
// Control field names, per channel: ch1_freq ... ch4_status.
constexpr std::array<std::string_view, 12> FIELDS{
    "ch1_freq", "ch2_freq", "ch3_freq", "ch4_freq", "ch1_temp",   "ch2_temp",
    "ch3_temp", "ch4_temp", "ch1_status", "ch2_status", "ch3_status", "ch4_status"};

std::uint16_t temperature_word(double celsius) {
  const double raw = std::clamp(std::round(celsius * TEMPERATURE_SCALE), -32768.0, 32767.0);
  return i16_word(static_cast<std::int16_t>(raw));
}

}  // namespace

std::string_view to_string(VwStatus status) {
  switch (status) {
    case VwStatus::ok: return "ok";
    case VwStatus::open_circuit: return "open_circuit";
    case VwStatus::short_circuit: return "short_circuit";
    case VwStatus::no_resonance: return "no_resonance";
    case VwStatus::measuring: return "measuring";
  }
  return "unknown";
}

std::optional<VwStatus> vw_status_from_string(std::string_view text) {
  for (const auto s : STATUSES) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

XjVw4Registers encode_xj_vw4(const XjVw4State& state) {
  XjVw4Registers regs;
  for (std::size_t i = 0; i < XJ_VW4_CHANNELS; ++i) {
    const auto& ch = state.channels[i];
    // Status 3 "no resonance (freq = NaN)". Open and short circuit keep the last value:
    // the sheet names NaN only for 3 (README.md: "the last value or NaN, as the sheet says").
    const float freq = ch.status == VwStatus::no_resonance
                           ? std::numeric_limits<float>::quiet_NaN()
                           : static_cast<float>(ch.freq);
    const auto words = f32_abcd(freq);
    regs.input[XJ_VW4_IR_FREQ + 2 * i] = words[0];
    regs.input[XJ_VW4_IR_FREQ + 2 * i + 1] = words[1];
    regs.input[XJ_VW4_IR_TEMP + i] = temperature_word(ch.temperature);
    regs.input[XJ_VW4_IR_STATUS + i] = static_cast<std::uint16_t>(ch.status);
  }
  regs.holding = {state.unit_id, state.baud_code, state.scan_interval_s};
  return regs;
}

bool xj_vw4_holding_value_ok(std::uint16_t address, std::uint16_t value) {
  switch (address) {
    case XJ_VW4_HR_UNIT_ID: return value >= 1 && value <= 247;
    case XJ_VW4_HR_BAUD_CODE: return value <= 4;
    case XJ_VW4_HR_SCAN_INTERVAL: return value >= 5 && value <= 3600;
    default: return false;
  }
}

XjVw4::XjVw4(std::string name, int unit) : Device(std::move(name), unit) {
  state_.unit_id = static_cast<std::uint16_t>(unit);
}

bool XjVw4::supports_function(int function) const {
  // IR "function 04", HR "function 03 / 06" (XJ-VW4.md)
  return function == FC_READ_HOLDING || function == FC_READ_INPUT ||
         function == FC_WRITE_SINGLE_REGISTER;
}

RegisterImage XjVw4::registers(Seconds /*uptime*/) const {
  const auto regs = encode_xj_vw4(state_);
  RegisterImage image;
  image.input.start = XJ_VW4_IR_FREQ;
  image.input.words.assign(regs.input.begin(), regs.input.end());
  image.holding.start = XJ_VW4_HR_UNIT_ID;
  image.holding.words.assign(regs.holding.begin(), regs.holding.end());
  return image;
}

bool XjVw4::holding_value_ok(std::uint16_t address, std::uint16_t value) const {
  return xj_vw4_holding_value_ok(address, value);
}

void XjVw4::write_holding(std::uint16_t address, std::uint16_t value, Seconds /*uptime*/) {
  if (address == XJ_VW4_HR_UNIT_ID) state_.unit_id = value;
  if (address == XJ_VW4_HR_BAUD_CODE) state_.baud_code = value;
  if (address == XJ_VW4_HR_SCAN_INTERVAL) state_.scan_interval_s = value;
}

SetError XjVw4::set(std::string_view field, std::string_view value, Seconds /*uptime*/) {
  // chN_freq / chN_temp / chN_status, N = 1..4
  if (field.size() < 5 || !field.starts_with("ch") || field[2] < '1' || field[2] > '4' ||
      field[3] != '_') {
    return unknown_field_error(*this, field);
  }
  auto& ch = state_.channels[static_cast<std::size_t>(field[2] - '1')];
  const auto what = field.substr(4);
  const std::string bad = std::string(field) + " wants ";
  const std::string got = ", got '" + std::string(value) + "'";
  if (what == "freq") {
    const auto v = parse_finite(value);
    if (!v || *v < 0.0 || *v > std::numeric_limits<float>::max()) return bad + "a number >= 0 [Hz]" + got;
    ch.freq = *v;
    return std::nullopt;
  }
  if (what == "temp") {
    const auto v = parse_finite(value);
    if (!v || *v < -3276.8 || *v > 3276.7) return bad + "a number in -3276.8..3276.7 [degC]" + got;
    ch.temperature = *v;
    return std::nullopt;
  }
  if (what == "status") {
    const auto s = vw_status_from_string(value);
    if (!s) return bad + "ok|open_circuit|short_circuit|no_resonance|measuring" + got;
    ch.status = *s;
    return std::nullopt;
  }
  return unknown_field_error(*this, field);
}

std::vector<std::string_view> XjVw4::fields() const { return {FIELDS.begin(), FIELDS.end()}; }

nlohmann::json XjVw4::state_json(Seconds /*uptime*/) const {
  auto channels = nlohmann::json::array();
  for (const auto& ch : state_.channels) {
    channels.push_back(
        {{"freq", ch.freq}, {"temp", ch.temperature}, {"status", to_string(ch.status)}});
  }
  return {{"channels", channels},
          {"unit_id", state_.unit_id},
          {"baud_code", state_.baud_code},
          {"scan_interval_s", state_.scan_interval_s}};
}

}  // namespace lookout::sim
