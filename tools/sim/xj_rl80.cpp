#include "tools/sim/xj_rl80.hpp"

#include <limits>

#include "tools/sim/modbus_pdu.hpp"
#include "tools/sim/register_words.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

Rl80Status reported_status(const XjRl80State& state) {
  if (state.status != Rl80Status::ok) return state.status;
  if (state.air_gap_mm > XJ_RL80_RANGE_MM) return Rl80Status::no_echo;
  if (state.air_gap_mm < XJ_RL80_BLIND_ZONE_MM) return Rl80Status::blind_zone;
  return Rl80Status::ok;
}

std::uint32_t reported_gap(const XjRl80State& state, Rl80Status status) {
  switch (status) {
    case Rl80Status::no_echo: return XJ_RL80_NO_ECHO_GAP;    // "air_gap = 0xFFFFFFFF"
    case Rl80Status::weak_echo: return state.last_good_mm;   // "the last good value"
    case Rl80Status::ok:
    case Rl80Status::blind_zone: return state.air_gap_mm;    // blind zone: the sheet is silent
  }
  return state.air_gap_mm;
}

}  // namespace

std::string_view to_string(Rl80Status status) {
  switch (status) {
    case Rl80Status::ok: return "ok";
    case Rl80Status::no_echo: return "no_echo";
    case Rl80Status::weak_echo: return "weak_echo";
    case Rl80Status::blind_zone: return "blind_zone";
  }
  return "unknown";
}

std::optional<Rl80Status> rl80_status_from_string(std::string_view text) {
  for (const auto s : {Rl80Status::ok, Rl80Status::no_echo, Rl80Status::weak_echo,
                       Rl80Status::blind_zone}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

XjRl80Registers encode_xj_rl80(const XjRl80State& state) {
  const auto status = reported_status(state);
  const auto gap = u32_abcd(reported_gap(state, status));
  return {gap[0], gap[1], state.echo_db, static_cast<std::uint16_t>(status)};
}

bool XjRl80::supports_function(int function) const { return function == FC_READ_HOLDING; }

RegisterImage XjRl80::registers(Seconds /*uptime*/) const {
  const auto regs = encode_xj_rl80(state_);
  RegisterImage image;
  image.holding.start = XJ_RL80_HR_AIR_GAP;
  image.holding.words.assign(regs.begin(), regs.end());
  return image;
}

void XjRl80::write_holding(std::uint16_t /*address*/, std::uint16_t /*value*/, Seconds /*uptime*/) {
  // Read-only map (function 03 only): the transport refuses writes.
}

SetError XjRl80::set(std::string_view field, std::string_view value, Seconds /*uptime*/) {
  const std::string got = ", got '" + std::string(value) + "'";
  if (field == "air_gap") {
    const auto v = parse_unsigned(value, std::numeric_limits<std::uint32_t>::max());
    if (!v) return "air_gap wants an integer in 0..4294967295 [mm]" + got;
    state_.air_gap_mm = static_cast<std::uint32_t>(*v);
  } else if (field == "echo_db") {
    const auto v = parse_unsigned(value, std::numeric_limits<std::uint16_t>::max());
    if (!v) return "echo_db wants an integer in 0..65535 [dB]" + got;
    state_.echo_db = static_cast<std::uint16_t>(*v);
  } else if (field == "status") {
    const auto s = rl80_status_from_string(value);
    if (!s) return "status wants ok|no_echo|weak_echo|blind_zone" + got;
    state_.status = *s;
  } else {
    return unknown_field_error(*this, field);
  }
  // A good reading becomes the value a later weak echo repeats.
  if (reported_status(state_) == Rl80Status::ok) state_.last_good_mm = state_.air_gap_mm;
  return std::nullopt;
}

std::vector<std::string_view> XjRl80::fields() const { return {"air_gap", "echo_db", "status"}; }

nlohmann::json XjRl80::state_json(Seconds /*uptime*/) const {
  return {{"air_gap", state_.air_gap_mm},
          {"echo_db", state_.echo_db},
          {"status", to_string(state_.status)},
          {"reported_status", to_string(reported_status(state_))},
          {"last_good", state_.last_good_mm}};
}

}  // namespace lookout::sim
