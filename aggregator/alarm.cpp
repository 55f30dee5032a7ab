#include "aggregator/alarm.hpp"

#include <array>

namespace lookout::aggregator {
namespace {

constexpr std::array<std::pair<AlarmState, std::string_view>, 4> NAMES{{
    {AlarmState::normal, "normal"},
    {AlarmState::active_unacknowledged, "active_unacknowledged"},
    {AlarmState::active_acknowledged, "active_acknowledged"},
    {AlarmState::returned_unacknowledged, "returned_unacknowledged"},
}};

}  // namespace

std::string_view to_string(AlarmState s) {
  for (const auto& [k, v] : NAMES) {
    if (k == s) return v;
  }
  return "?";
}

std::optional<AlarmState> alarm_state_from_string(std::string_view s) {
  for (const auto& [k, v] : NAMES) {
    if (v == s) return k;
  }
  return std::nullopt;
}

std::optional<AlarmTransition> apply_level(const Alarm& current, wire::Level level, const std::string& rule,
                                           std::int64_t ts_ms) {
  if (level == current.level) return std::nullopt;
  Alarm next = current;
  next.level = level;
  next.since_ms = ts_ms;
  if (level != wire::Level::normal) next.rule = rule;
  if (level > current.level) {
    next.state = AlarmState::active_unacknowledged;
  } else if (level == wire::Level::normal) {
    next.state = current.state == AlarmState::active_acknowledged ? AlarmState::normal
                                                                   : AlarmState::returned_unacknowledged;
  }
  // De-escalation between levels keeps the acknowledgement state it had.
  return AlarmTransition{current, next};
}

}  // namespace lookout::aggregator
