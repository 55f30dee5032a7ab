#pragma once
// What people do to alarms: acknowledge, shelve, unshelve, take out of and return to
// service; and shelving that runs out. Each action moves the alarm held by Ingest (which
// judges the next reading from it), is stored with its audit event in one transaction,
// and is announced. No clock, no network: time comes in as an argument.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aggregator/ingest.hpp"
#include "aggregator/store.hpp"

namespace lookout::aggregator {

enum class AlarmAction { acknowledge, shelve, unshelve, remove_from_service, return_to_service };

struct DeskResult {
  int status = 200;  ///< HTTP-like: 200 done, 404 no such open alarm, 409 the state forbids it, 400 bad input
  std::string error;
  std::optional<AlarmRecord> alarm;  ///< as it is now
  std::optional<AlarmEvent> event;   ///< what was recorded
};

class AlarmDesk {
 public:
  using Listener = std::function<void(const AlarmRecord&, const AlarmEvent&)>;

  AlarmDesk(Ingest& ingest, Store& store) : ingest_(ingest), store_(store) {}

  /// Called after every stored change the desk makes.
  void on_change(Listener l) { listener_ = std::move(l); }

  /// The current record of alarm `id`, if it is the latest occurrence of its point.
  std::optional<AlarmRecord> find(std::int64_t id) const;

  /// `duration_ms` only for shelve. A comment is required for acknowledge and shelve.
  DeskResult act(std::int64_t id, AlarmAction action, const std::string& who, const std::string& comment,
                 std::int64_t duration_ms, std::int64_t now_ms);

  /// Resets the latch of alarm `id` (a threshold alarm whose rule latches, e.g. a methane
  /// power cut), as Ingest::reset_latch; audited as `latch_reset` with who and comment.
  /// 409 when it is not latched or the value is still at the latching level.
  DeskResult reset_latch(std::int64_t id, const std::string& who, const std::string& comment, std::int64_t now_ms);

  /// Unshelves every alarm whose shelving ran out by `now_ms`; returns how many.
  int expire(std::int64_t now_ms);

 private:
  using AlarmBook = std::map<AlarmKey, AlarmRecord>;
  /// The open alarm `id` for a person's action with `comment`, or the answer that refuses
  /// it: 404 when no open alarm has that id, 400 when the comment is too long.
  std::variant<AlarmBook::iterator, DeskResult> open_alarm(std::int64_t id, const std::string& comment);
  AlarmEvent commit(AlarmRecord& record, const AlarmTransition& t, const std::string& action, const std::string& who,
                    const std::string& comment, std::int64_t now_ms);

  Ingest& ingest_;
  Store& store_;
  Listener listener_;
};

/// Longest comment kept in the audit trail [characters].
constexpr std::size_t MAX_COMMENT = 1000;

}  // namespace lookout::aggregator
