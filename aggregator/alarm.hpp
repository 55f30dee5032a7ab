#pragma once
// The alarm of one point, in ISA-18.2 states. Plain C++; time comes in as an argument.
//
// An alarm is one occurrence: it opens when the point leaves the normal state and closes
// when it is back in it, with one stable id (usable in URLs) and many events between:
// raised, escalated, de-escalated, acknowledged, shelved, returned, cleared.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

/// ISA-18.2 / IEC 62682 alarm states (standards.md "Alarm handling"). Suppression by
/// design is the rule engine's business (a rule that does not judge), not a state here.
enum class AlarmState {
  normal,
  active_unacknowledged,
  active_acknowledged,
  returned_unacknowledged,
  shelved,         ///< by a person, until `shelved_until_ms`; levels still tracked
  out_of_service,  ///< taken out by an engineer (e.g. a sensor being replaced); until put back
};
std::string_view to_string(AlarmState s);
std::optional<AlarmState> alarm_state_from_string(std::string_view s);

struct Alarm {
  wire::Level level = wire::Level::normal;
  AlarmState state = AlarmState::normal;
  std::string rule;
  std::int64_t since_ms = 0;  ///< when the current level began
  std::int64_t id = 0;        ///< the occurrence; 0 while the point has never left normal
  std::int64_t shelved_until_ms = 0;  ///< [ms UTC] while shelved
};

/// What a level or a person did to an alarm.
struct AlarmTransition {
  Alarm before;
  Alarm after;
  bool raised() const { return after.level > before.level; }
  bool cleared() const { return after.level == wire::Level::normal && before.level != wire::Level::normal; }
  /// A new occurrence begins: the caller gives it a fresh id.
  bool opened() const { return before.state == AlarmState::normal && after.state != AlarmState::normal; }
  /// The occurrence is over.
  bool closed() const { return before.state != AlarmState::normal && after.state == AlarmState::normal; }
};

/// The name of the event a transition records: raised, escalated, deescalated, returned,
/// cleared, acknowledged, shelved, unshelved, shelve_expired, out_of_service, in_service.
/// `action` names what a person did; empty for a level change.
std::string event_kind(const AlarmTransition& t, std::string_view action = {});

/// Applies a judged level at time `ts_ms` (the reading's time).
/// Raising or escalating makes the alarm active and unacknowledged again; falling to
/// normal unacknowledged leaves it returned-unacknowledged (ISA-18.2), awaiting a person.
/// A shelved or out-of-service alarm follows the level but stays where it is.
std::optional<AlarmTransition> apply_level(const Alarm& current, wire::Level level, const std::string& rule,
                                           std::int64_t ts_ms);

/// Why an action was refused; `conflict` when the state does not allow it (HTTP 409).
struct AlarmRefusal {
  std::string reason;
};
using AlarmActionResult = std::variant<AlarmTransition, AlarmRefusal>;

/// Longest shelving allowed: one shift, so a shelved alarm comes back to the next one.
constexpr std::int64_t MAX_SHELVE_MS = 12LL * 3600 * 1000;  // [ms]

/// Active or returned unacknowledged -> acknowledged (returned: back to normal, closed).
AlarmActionResult acknowledge(const Alarm& current);
/// Shelves an open alarm until `now_ms + duration_ms` (1 s .. MAX_SHELVE_MS).
AlarmActionResult shelve(const Alarm& current, std::int64_t duration_ms, std::int64_t now_ms);
/// Ends shelving now (by a person) or because it expired; the alarm annunciates again as
/// active unacknowledged if its level is still up, or closes if it is normal.
AlarmActionResult unshelve(const Alarm& current);
/// Shelving that has run out by `now_ms`; nullopt when it has not (or is not shelved).
std::optional<AlarmTransition> expire_shelving(const Alarm& current, std::int64_t now_ms);
/// Out of service until put back; put back like an unshelve.
AlarmActionResult remove_from_service(const Alarm& current);
AlarmActionResult return_to_service(const Alarm& current);

}  // namespace lookout::aggregator
