#pragma once
// The alarm of one point, in ISA-18.2 states. Plain C++; time comes in as an argument.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

/// ISA-18.2 / IEC 62682 alarm states (standards.md "Alarm handling").
enum class AlarmState {
  normal,
  active_unacknowledged,
  active_acknowledged,
  returned_unacknowledged,
};
std::string_view to_string(AlarmState s);
std::optional<AlarmState> alarm_state_from_string(std::string_view s);

struct Alarm {
  wire::Level level = wire::Level::normal;
  AlarmState state = AlarmState::normal;
  std::string rule;
  std::int64_t since_ms = 0;  ///< when the current level began
};

/// What a new level does to an alarm; nullopt when nothing changes.
struct AlarmTransition {
  Alarm before;
  Alarm after;
  bool raised() const { return after.level > before.level; }
  bool cleared() const { return after.level == wire::Level::normal && before.level != wire::Level::normal; }
};

/// Applies a judged level at time `ts_ms` (the reading's time).
/// Raising or escalating makes the alarm active and unacknowledged again; falling to
/// normal unacknowledged leaves it returned-unacknowledged (ISA-18.2), awaiting a person.
std::optional<AlarmTransition> apply_level(const Alarm& current, wire::Level level, const std::string& rule,
                                           std::int64_t ts_ms);

}  // namespace lookout::aggregator
