#include "tools/sim/xj_ar4.hpp"

#include <limits>

#include "tools/sim/modbus_pdu.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

constexpr std::array<std::string_view, XJ_AR4_CO_COUNT> COIL_NAMES{"siren", "beacon", "power_cut",
                                                                   "spare"};

}  // namespace

bool xj_ar4_heartbeat_expired(const XjAr4State& state, Seconds uptime) {
  return state.heartbeat_timeout_s != 0 &&
         uptime - state.last_write >= Seconds{static_cast<double>(state.heartbeat_timeout_s)};
}

void xj_ar4_settle(XjAr4State& state, Seconds uptime) {
  if (xj_ar4_heartbeat_expired(state, uptime)) state.coils[XJ_AR4_CO_BEACON] = true;
}

void xj_ar4_note_write(XjAr4State& state, Seconds uptime) {
  xj_ar4_settle(state, uptime);  // a beacon it set stays set until a master clears it
  state.last_write = uptime;
}

XjAr4Registers encode_xj_ar4(const XjAr4State& state, Seconds uptime) {
  XjAr4Registers regs;
  for (std::size_t i = 0; i < XJ_AR4_CO_COUNT; ++i) regs.coils[i] = state.coils[i] ? 1 : 0;
  if (xj_ar4_heartbeat_expired(state, uptime)) regs.coils[XJ_AR4_CO_BEACON] = 1;
  regs.heartbeat_timeout_s = state.heartbeat_timeout_s;
  regs.inputs = state.reset_button ? XJ_AR4_BIT_RESET_BUTTON : 0;
  return regs;
}

bool XjAr4::supports_function(int function) const {
  // CO "function 01 / 05 / 15", HR "function 03 / 06", IR "function 04" (XJ-AR4.md)
  return function == FC_READ_COILS || function == FC_WRITE_SINGLE_COIL ||
         function == FC_WRITE_MULTIPLE_COILS || function == FC_READ_HOLDING ||
         function == FC_WRITE_SINGLE_REGISTER || function == FC_READ_INPUT;
}

RegisterImage XjAr4::registers(Seconds uptime) const {
  const auto regs = encode_xj_ar4(state_, uptime);
  RegisterImage image;
  image.coils.start = XJ_AR4_CO_SIREN;
  image.coils.bits.assign(regs.coils.begin(), regs.coils.end());
  image.holding.start = XJ_AR4_HR_HEARTBEAT;
  image.holding.words = {regs.heartbeat_timeout_s};
  image.input.start = XJ_AR4_IR_INPUTS;
  image.input.words = {regs.inputs};
  return image;
}

void XjAr4::write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) {
  xj_ar4_note_write(state_, uptime);
  if (address == XJ_AR4_HR_HEARTBEAT) state_.heartbeat_timeout_s = value;
}

void XjAr4::write_coil(std::uint16_t address, bool value, Seconds uptime) {
  xj_ar4_note_write(state_, uptime);
  if (address < XJ_AR4_CO_COUNT) state_.coils[address] = value;
}

SetError XjAr4::set(std::string_view field, std::string_view value, Seconds uptime) {
  const std::string got = ", got '" + std::string(value) + "'";
  // Control is not a Modbus write: it does not restart the heartbeat timer.
  xj_ar4_settle(state_, uptime);
  for (std::size_t i = 0; i < XJ_AR4_CO_COUNT; ++i) {
    if (field != COIL_NAMES[i]) continue;
    const auto flag = parse_flag(value);
    if (!flag) return std::string(field) + " wants 0|1" + got;
    state_.coils[i] = *flag;
    return std::nullopt;
  }
  if (field == "heartbeat_timeout_s") {
    const auto v = parse_unsigned(value, std::numeric_limits<std::uint16_t>::max());
    if (!v) return "heartbeat_timeout_s wants an integer in 0..65535 [s]" + got;
    state_.heartbeat_timeout_s = static_cast<std::uint16_t>(*v);
    return std::nullopt;
  }
  if (field == "reset_button") {
    const auto flag = parse_flag(value);
    if (!flag) return "reset_button wants 0|1" + got;
    state_.reset_button = *flag;
    return std::nullopt;
  }
  return unknown_field_error(*this, field);
}

std::vector<std::string_view> XjAr4::fields() const {
  return {"siren", "beacon", "power_cut", "spare", "heartbeat_timeout_s", "reset_button"};
}

nlohmann::json XjAr4::state_json(Seconds uptime) const {
  const auto regs = encode_xj_ar4(state_, uptime);
  nlohmann::json j;
  for (std::size_t i = 0; i < XJ_AR4_CO_COUNT; ++i) j[std::string(COIL_NAMES[i])] = regs.coils[i] == 1;
  j["heartbeat_timeout_s"] = state_.heartbeat_timeout_s;
  j["heartbeat_expired"] = xj_ar4_heartbeat_expired(state_, uptime);
  j["since_last_write_s"] = (uptime - state_.last_write).count();
  j["reset_button"] = state_.reset_button;
  return j;
}

}  // namespace lookout::sim
