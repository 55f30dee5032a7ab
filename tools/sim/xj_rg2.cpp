#include "tools/sim/xj_rg2.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tools/sim/modbus_pdu.hpp"
#include "tools/sim/register_words.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

constexpr double SECONDS_PER_HOUR = 3600.0;
constexpr double TODAY_SCALE = 10.0;  // "today_x10 ... in 0.1 mm"
constexpr double TIP_ROUNDING = 1e-9;

/// [tips] the rain rate adds from rate_since to uptime, with the part-filled bucket.
double accrued_tips(const XjRg2State& state, Seconds uptime) {
  const double mm_per_tip = xj_rg2_mm_per_tip(state.resolution_code).value_or(0.2);
  const double dt = std::max(0.0, (uptime - state.rate_since).count());
  return state.partial_tip + dt * state.rain_rate / (SECONDS_PER_HOUR * mm_per_tip);
}

/// Whole tips in `tips`, forgiving the rounding of a division that should come out even.
double whole_tips(double tips) { return std::floor(tips + TIP_ROUNDING); }

}  // namespace

std::optional<double> xj_rg2_mm_per_tip(std::uint16_t resolution_code) {
  switch (resolution_code) {
    case 0: return 0.1;
    case 1: return 0.2;
    case 2: return 0.5;
    default: return std::nullopt;
  }
}

std::uint64_t xj_rg2_tips(const XjRg2State& state, Seconds uptime) {
  return state.tips + static_cast<std::uint64_t>(whole_tips(accrued_tips(state, uptime)));
}

void xj_rg2_settle(XjRg2State& state, Seconds uptime) {
  const double accrued = accrued_tips(state, uptime);
  const double whole = whole_tips(accrued);
  state.tips += static_cast<std::uint64_t>(whole);
  state.partial_tip = std::max(0.0, accrued - whole);
  state.rate_since = std::max(uptime, state.rate_since);
}

void xj_rg2_power_cycle(XjRg2State& state, Seconds uptime) {
  // XJ-RG2.md: "The counter restarts at 0 after a power cut"; boot_count "incremented at
  // every power-on" (uint16: 65535 + 1 = 0). Rain during the cut is lost.
  state.tips = 0;
  state.partial_tip = 0.0;
  state.rate_since = uptime;
  state.boot_count = static_cast<std::uint16_t>(state.boot_count + 1);
}

XjRg2Registers encode_xj_rg2(const XjRg2State& state, Seconds uptime) {
  const auto tips = xj_rg2_tips(state, uptime);
  // "wraps from 4294967295 to 0"
  const auto words = u32_cdab(static_cast<std::uint32_t>(tips & 0xFFFFFFFFu));
  // "today" by the device's own clock, which never ran right: rain since power-on here.
  const double mm = static_cast<double>(tips) * xj_rg2_mm_per_tip(state.resolution_code).value_or(0.2);
  const double today = std::min(std::round(mm * TODAY_SCALE), 65535.0);
  return {words[0], words[1], state.resolution_code, static_cast<std::uint16_t>(today),
          state.boot_count};
}

bool XjRg2::supports_function(int function) const { return function == FC_READ_HOLDING; }

RegisterImage XjRg2::registers(Seconds uptime) const {
  const auto regs = encode_xj_rg2(state_, uptime);
  RegisterImage image;
  image.holding.start = XJ_RG2_HR_TIPS;
  image.holding.words.assign(regs.begin(), regs.end());
  return image;
}

void XjRg2::write_holding(std::uint16_t /*address*/, std::uint16_t /*value*/, Seconds /*uptime*/) {
  // Read-only map (function 03 only): the transport refuses writes.
}

SetError XjRg2::set(std::string_view field, std::string_view value, Seconds uptime) {
  const std::string got = ", got '" + std::string(value) + "'";
  constexpr auto U32_MAX = std::numeric_limits<std::uint32_t>::max();
  if (field == "tips" || field == "add_tips") {
    const auto v = parse_unsigned(value, U32_MAX);
    if (!v) return std::string(field) + " wants an integer in 0..4294967295" + got;
    xj_rg2_settle(state_, uptime);
    // The counter is 32 bits: keep it there, so a later add wraps as the device does.
    state_.tips = field == "tips" ? *v : (state_.tips + *v) & U32_MAX;
    return std::nullopt;
  }
  if (field == "rain_rate") {
    const auto v = parse_finite(value);
    if (!v || *v < 0.0 || *v > 1e6) return "rain_rate wants a number in 0..1e6 [mm/h]" + got;
    xj_rg2_settle(state_, uptime);
    state_.rain_rate = *v;
    return std::nullopt;
  }
  if (field == "resolution") {
    std::optional<std::uint16_t> code;
    if (value == "0.1") code = 0;
    if (value == "0.2") code = 1;
    if (value == "0.5") code = 2;
    if (!code) return "resolution wants 0.1|0.2|0.5 [mm per tip]" + got;
    xj_rg2_settle(state_, uptime);
    state_.resolution_code = *code;
    return std::nullopt;
  }
  if (field == "boot_count") {
    const auto v = parse_unsigned(value, std::numeric_limits<std::uint16_t>::max());
    if (!v) return "boot_count wants an integer in 0..65535" + got;
    state_.boot_count = static_cast<std::uint16_t>(*v);
    return std::nullopt;
  }
  if (field == "power_cycle") {
    if (value != "1") return "power_cycle wants 1" + got;
    xj_rg2_power_cycle(state_, uptime);
    return std::nullopt;
  }
  return unknown_field_error(*this, field);
}

std::vector<std::string_view> XjRg2::fields() const {
  return {"tips", "add_tips", "rain_rate", "resolution", "boot_count", "power_cycle"};
}

nlohmann::json XjRg2::state_json(Seconds uptime) const {
  const auto tips = xj_rg2_tips(state_, uptime);
  return {{"tips", tips & 0xFFFFFFFFu},
          {"rain_rate", state_.rain_rate},
          {"resolution", xj_rg2_mm_per_tip(state_.resolution_code).value_or(0.2)},
          {"boot_count", state_.boot_count},
          {"uptime_s", uptime.count()}};
}

}  // namespace lookout::sim
