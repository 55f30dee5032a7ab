#include "aggregator/alarm.hpp"

#include <array>

namespace lookout::aggregator {
namespace {

constexpr std::array<std::pair<AlarmState, std::string_view>, 6> NAMES{{
    {AlarmState::normal, "normal"},
    {AlarmState::active_unacknowledged, "active_unacknowledged"},
    {AlarmState::active_acknowledged, "active_acknowledged"},
    {AlarmState::returned_unacknowledged, "returned_unacknowledged"},
    {AlarmState::shelved, "shelved"},
    {AlarmState::out_of_service, "out_of_service"},
}};

bool held(AlarmState s) { return s == AlarmState::shelved || s == AlarmState::out_of_service; }

/// Where an alarm goes when a person lets it annunciate again.
Alarm released(const Alarm& current) {
  Alarm next = current;
  next.shelved_until_ms = 0;
  next.state = current.level == wire::Level::normal ? AlarmState::normal : AlarmState::active_unacknowledged;
  return next;
}

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

std::string event_kind(const AlarmTransition& t, std::string_view action) {
  if (!action.empty()) return std::string(action);
  if (t.after.level > t.before.level) return t.before.level == wire::Level::normal ? "raised" : "escalated";
  if (t.after.level == wire::Level::normal) return t.after.state == AlarmState::normal ? "cleared" : "returned";
  return "deescalated";
}

std::optional<AlarmTransition> apply_level(const Alarm& current, wire::Level level, const std::string& rule,
                                           std::int64_t ts_ms) {
  if (level == current.level) return std::nullopt;
  Alarm next = current;
  next.level = level;
  next.since_ms = ts_ms;
  if (level != wire::Level::normal) next.rule = rule;
  if (held(current.state)) return AlarmTransition{current, next};  // a person holds it; levels still count
  if (level > current.level) {
    next.state = AlarmState::active_unacknowledged;
  } else if (level == wire::Level::normal) {
    next.state = current.state == AlarmState::active_acknowledged ? AlarmState::normal
                                                                   : AlarmState::returned_unacknowledged;
  }
  // De-escalation between levels keeps the acknowledgement state it had.
  return AlarmTransition{current, next};
}

AlarmActionResult acknowledge(const Alarm& current) {
  Alarm next = current;
  if (current.state == AlarmState::active_unacknowledged) {
    next.state = AlarmState::active_acknowledged;
  } else if (current.state == AlarmState::returned_unacknowledged) {
    next.state = AlarmState::normal;
  } else {
    return AlarmRefusal{"alarm is " + std::string(to_string(current.state)) + "; only an unacknowledged alarm can be acknowledged"};
  }
  return AlarmTransition{current, next};
}

AlarmActionResult shelve(const Alarm& current, std::int64_t duration_ms, std::int64_t now_ms) {
  if (duration_ms < 1000 || duration_ms > MAX_SHELVE_MS) {
    return AlarmRefusal{"shelving lasts from 1 s to " + std::to_string(MAX_SHELVE_MS / 1000) + " s"};
  }
  if (current.state == AlarmState::normal || held(current.state)) {
    return AlarmRefusal{"alarm is " + std::string(to_string(current.state)) + "; only an open alarm can be shelved"};
  }
  Alarm next = current;
  next.state = AlarmState::shelved;
  next.shelved_until_ms = now_ms + duration_ms;
  return AlarmTransition{current, next};
}

AlarmActionResult unshelve(const Alarm& current) {
  if (current.state != AlarmState::shelved) {
    return AlarmRefusal{"alarm is " + std::string(to_string(current.state)) + ", not shelved"};
  }
  return AlarmTransition{current, released(current)};
}

std::optional<AlarmTransition> expire_shelving(const Alarm& current, std::int64_t now_ms) {
  if (current.state != AlarmState::shelved || now_ms < current.shelved_until_ms) return std::nullopt;
  return AlarmTransition{current, released(current)};
}

AlarmActionResult remove_from_service(const Alarm& current) {
  if (current.state == AlarmState::normal || current.state == AlarmState::out_of_service) {
    return AlarmRefusal{"alarm is " + std::string(to_string(current.state)) + "; only an open alarm can be taken out of service"};
  }
  Alarm next = current;
  next.state = AlarmState::out_of_service;
  next.shelved_until_ms = 0;
  return AlarmTransition{current, next};
}

AlarmActionResult return_to_service(const Alarm& current) {
  if (current.state != AlarmState::out_of_service) {
    return AlarmRefusal{"alarm is " + std::string(to_string(current.state)) + ", not out of service"};
  }
  return AlarmTransition{current, released(current)};
}

}  // namespace lookout::aggregator
