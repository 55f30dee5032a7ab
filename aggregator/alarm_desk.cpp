#include "aggregator/alarm_desk.hpp"

namespace lookout::aggregator {

std::optional<AlarmRecord> AlarmDesk::find(std::int64_t id) const {
  if (id <= 0) return std::nullopt;
  for (const auto& [key, a] : ingest_.alarm_book()) {
    if (a.alarm.id == id) return a;
  }
  return std::nullopt;
}

std::variant<AlarmDesk::AlarmBook::iterator, DeskResult> AlarmDesk::open_alarm(std::int64_t id,
                                                                                const std::string& comment) {
  auto& book = ingest_.alarm_book();
  auto it = book.begin();
  while (it != book.end() && (id <= 0 || it->second.alarm.id != id)) ++it;
  if (it == book.end()) return DeskResult{404, "no open alarm " + std::to_string(id), {}, {}};
  if (comment.size() > MAX_COMMENT) {
    return DeskResult{400, "comment: longer than " + std::to_string(MAX_COMMENT) + " characters", {}, {}};
  }
  return it;
}

AlarmEvent AlarmDesk::commit(AlarmRecord& record, const AlarmTransition& t, const std::string& action,
                             const std::string& who, const std::string& comment, std::int64_t now_ms) {
  AlarmRecord next = record;
  next.alarm = t.after;
  AlarmEvent e = audit_event(t.before, next, action, now_ms);
  e.who = who;
  e.comment = comment;
  store_.record_alarm_action(next, e);  // throws before anything changes if the database refuses
  record = next;
  if (listener_) listener_(record, e);
  return e;
}

DeskResult AlarmDesk::act(std::int64_t id, AlarmAction action, const std::string& who, const std::string& comment,
                          std::int64_t duration_ms, std::int64_t now_ms) {
  auto found = open_alarm(id, comment);
  if (auto* refused = std::get_if<DeskResult>(&found)) return std::move(*refused);
  const auto it = std::get<AlarmBook::iterator>(found);
  const bool needs_comment = action == AlarmAction::acknowledge || action == AlarmAction::shelve;
  if (needs_comment && comment.empty()) return {400, "comment: required, for the audit trail", {}, {}};

  AlarmActionResult r = AlarmRefusal{};
  std::string event;
  switch (action) {
    case AlarmAction::acknowledge:
      r = acknowledge(it->second.alarm);
      event = "acknowledged";
      break;
    case AlarmAction::shelve:
      if (duration_ms < 1000 || duration_ms > MAX_SHELVE_MS) {
        return {400, "duration_s: from 1 to " + std::to_string(MAX_SHELVE_MS / 1000), {}, {}};
      }
      r = shelve(it->second.alarm, duration_ms, now_ms);
      event = "shelved";
      break;
    case AlarmAction::unshelve:
      r = unshelve(it->second.alarm);
      event = "unshelved";
      break;
    case AlarmAction::remove_from_service:
      r = remove_from_service(it->second.alarm);
      event = "out_of_service";
      break;
    case AlarmAction::return_to_service:
      r = return_to_service(it->second.alarm);
      event = "in_service";
      break;
  }
  if (const auto* refused = std::get_if<AlarmRefusal>(&r)) return {409, refused->reason, it->second, {}};
  const auto e = commit(it->second, std::get<AlarmTransition>(r), event, who, comment, now_ms);
  return {200, "", it->second, e};
}

DeskResult AlarmDesk::reset_latch(std::int64_t id, const std::string& who, const std::string& comment,
                                  std::int64_t now_ms) {
  auto found = open_alarm(id, comment);
  if (auto* refused = std::get_if<DeskResult>(&found)) return std::move(*refused);
  const auto it = std::get<AlarmBook::iterator>(found);
  if (it->first.kind != RuleKind::threshold) {
    return {409, "only a threshold alarm latches; this is a " + std::string(to_string(it->first.kind)) + " alarm",
            it->second, {}};
  }
  // Stored by Ingest with its audit event; the map keeps its nodes, so `it` is this alarm
  // as the reset left it.
  const auto r = ingest_.reset_latch(it->second.key, now_ms, who, comment);
  if (!r.done) return {409, r.reason, it->second, {}};
  if (listener_ && r.event) listener_(it->second, *r.event);
  return {200, "", it->second, r.event};
}

int AlarmDesk::expire(std::int64_t now_ms) {
  int n = 0;
  for (auto& [key, a] : ingest_.alarm_book()) {
    if (const auto t = expire_shelving(a.alarm, now_ms)) {
      commit(a, *t, "shelve_expired", "system", "", now_ms);
      ++n;
    }
  }
  return n;
}

}  // namespace lookout::aggregator
