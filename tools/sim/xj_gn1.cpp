#include "tools/sim/xj_gn1.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "tools/sim/modbus_pdu.hpp"
#include "tools/sim/register_words.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

constexpr double MAX_PERIOD_S = 86400.0;

/// The uptime of the last automatic epoch at or before `uptime`.
Seconds last_boundary(const XjGn1State& state, Seconds uptime) {
  const double period = xj_gn1_period_s(state);
  return Seconds{std::floor(std::max(uptime.count(), 0.0) / period) * period};
}

/// An epoch later than the last one, at Unix time unix_at_start + at.
std::uint32_t next_epoch(const XjGn1State& state, Seconds at) {
  const auto wall = state.unix_at_start + static_cast<std::int64_t>(std::floor(at.count()));
  const auto epoch = std::max<std::int64_t>(wall, std::int64_t{state.epoch} + 1);
  return static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(epoch, 0, std::numeric_limits<std::uint32_t>::max()));
}

void put(std::array<std::uint16_t, XJ_GN1_IR_COUNT>& regs, std::uint16_t address, WordPair words) {
  regs[address] = words[0];
  regs[address + 1] = words[1];
}

}  // namespace

std::string_view to_string(GnSolution solution) {
  switch (solution) {
    case GnSolution::none: return "none";
    case GnSolution::single: return "single";
    case GnSolution::float_: return "float";
    case GnSolution::fixed: return "fixed";
  }
  return "unknown";
}

std::optional<GnSolution> gn_solution_from_string(std::string_view text) {
  for (const auto s : {GnSolution::none, GnSolution::single, GnSolution::float_, GnSolution::fixed}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

XjGn1State xj_gn1_initial_state(std::int64_t unix_now) {
  XjGn1State state;
  state.unix_at_start = unix_now;
  state.epoch = static_cast<std::uint32_t>(std::clamp<std::int64_t>(unix_now, 0, std::numeric_limits<std::uint32_t>::max()));
  state.published = state.staged;
  return state;
}

double xj_gn1_period_s(const XjGn1State& state) {
  if (state.period_override_s > 0.0) return state.period_override_s;
  return state.mode == 1 ? XJ_GN1_FAST_STATIC_PERIOD_S : XJ_GN1_STATIC_PERIOD_S;
}

void xj_gn1_settle(XjGn1State& state, Seconds uptime) {
  const auto boundary = last_boundary(state, uptime);
  if (boundary <= state.published_at) return;
  state.published = state.staged;
  state.epoch = next_epoch(state, boundary);
  state.published_at = boundary;
}

void xj_gn1_new_epoch(XjGn1State& state, Seconds uptime) {
  xj_gn1_settle(state, uptime);
  state.published = state.staged;
  state.epoch = next_epoch(state, uptime);
  state.published_at = std::max(uptime, state.published_at);
}

void xj_gn1_set_mode(XjGn1State& state, std::uint16_t mode, Seconds uptime) {
  xj_gn1_settle(state, uptime);  // epochs due under the old mode come first
  state.mode = mode;
  // Boundaries count from power-on: one of the new period that already went by is not due.
  state.published_at = std::max(state.published_at, last_boundary(state, uptime));
}

XjGn1Registers encode_xj_gn1(const XjGn1State& state, Seconds uptime) {
  auto settled = state;
  xj_gn1_settle(settled, uptime);
  const auto& fix = settled.published;
  XjGn1Registers regs;
  put(regs.input, XJ_GN1_IR_D_NORTH, f32_abcd(static_cast<float>(fix.d_north)));
  put(regs.input, XJ_GN1_IR_D_EAST, f32_abcd(static_cast<float>(fix.d_east)));
  put(regs.input, XJ_GN1_IR_D_UP, f32_abcd(static_cast<float>(fix.d_up)));
  regs.input[XJ_GN1_IR_SOLUTION] = static_cast<std::uint16_t>(fix.solution);
  regs.input[XJ_GN1_IR_SATELLITES] = fix.satellites;
  put(regs.input, XJ_GN1_IR_EPOCH, u32_abcd(settled.epoch));
  regs.mode = settled.mode;
  return regs;
}

XjGn1::XjGn1(std::string name, int unit)
    : Device(std::move(name), unit),
      state_(xj_gn1_initial_state(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count())) {}

bool XjGn1::supports_function(int function) const {
  // IR "function 04", HR "function 03 / 06" (XJ-GN1.md)
  return function == FC_READ_INPUT || function == FC_READ_HOLDING ||
         function == FC_WRITE_SINGLE_REGISTER;
}

RegisterImage XjGn1::registers(Seconds uptime) const {
  const auto regs = encode_xj_gn1(state_, uptime);
  RegisterImage image;
  image.input.start = XJ_GN1_IR_D_NORTH;
  image.input.words.assign(regs.input.begin(), regs.input.end());
  image.holding.start = XJ_GN1_HR_MODE;
  image.holding.words = {regs.mode};
  return image;
}

bool XjGn1::holding_value_ok(std::uint16_t address, std::uint16_t value) const {
  return address == XJ_GN1_HR_MODE && value <= 1;  // "0 static ..., 1 fast-static"
}

void XjGn1::write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) {
  if (address != XJ_GN1_HR_MODE) return;
  xj_gn1_set_mode(state_, value, uptime);
}

SetError XjGn1::set(std::string_view field, std::string_view value, Seconds uptime) {
  const std::string got = ", got '" + std::string(value) + "'";
  xj_gn1_settle(state_, uptime);
  if (field == "d_north" || field == "d_east" || field == "d_up") {
    const auto v = parse_finite(value);
    if (!v || std::fabs(*v) > std::numeric_limits<float>::max()) {
      return std::string(field) + " wants a number [mm]" + got;
    }
    if (field == "d_north") state_.staged.d_north = *v;
    if (field == "d_east") state_.staged.d_east = *v;
    if (field == "d_up") state_.staged.d_up = *v;
    return std::nullopt;
  }
  if (field == "solution") {
    const auto s = gn_solution_from_string(value);
    if (!s) return "solution wants none|single|float|fixed" + got;
    state_.staged.solution = *s;
    return std::nullopt;
  }
  if (field == "satellites") {
    const auto v = parse_unsigned(value, std::numeric_limits<std::uint16_t>::max());
    if (!v) return "satellites wants an integer in 0..65535" + got;
    state_.staged.satellites = static_cast<std::uint16_t>(*v);
    return std::nullopt;
  }
  if (field == "mode") {
    if (value != "0" && value != "1") return "mode wants 0|1" + got;
    xj_gn1_set_mode(state_, value == "1" ? 1 : 0, uptime);
    return std::nullopt;
  }
  if (field == "epoch_period_s") {
    const auto v = parse_finite(value);
    if (!v || *v < 0.0 || *v > MAX_PERIOD_S || (*v > 0.0 && *v < 0.1)) {
      return "epoch_period_s wants 0 (by mode) or 0.1..86400 [s]" + got;
    }
    state_.period_override_s = *v;
    // Boundaries count from power-on: do not publish one that already went by.
    state_.published_at = std::max(state_.published_at, last_boundary(state_, uptime));
    return std::nullopt;
  }
  if (field == "new_epoch") {
    if (value != "1") return "new_epoch wants 1" + got;
    xj_gn1_new_epoch(state_, uptime);
    return std::nullopt;
  }
  return unknown_field_error(*this, field);
}

std::vector<std::string_view> XjGn1::fields() const {
  return {"d_north", "d_east", "d_up", "solution", "satellites", "mode", "epoch_period_s",
          "new_epoch"};
}

nlohmann::json XjGn1::state_json(Seconds uptime) const {
  auto settled = state_;
  xj_gn1_settle(settled, uptime);
  const auto fix_json = [](const GnFix& f) {
    return nlohmann::json{{"d_north", f.d_north},
                          {"d_east", f.d_east},
                          {"d_up", f.d_up},
                          {"solution", to_string(f.solution)},
                          {"satellites", f.satellites}};
  };
  return {{"staged", fix_json(settled.staged)},
          {"published", fix_json(settled.published)},
          {"epoch", settled.epoch},
          {"mode", settled.mode},
          {"epoch_period_s", xj_gn1_period_s(settled)},
          {"uptime_s", uptime.count()}};
}

}  // namespace lookout::sim
