#pragma once
// Decides which alarm changes become messages to people (issue #4 "Notifications"). Plain
// C++; time comes in as an argument; no I/O.
//
// - A change with page == false (history from a backfilled batch) is never sent.
// - Only a change of level is sent: the same alarm at the same level twice is one message,
//   and an acknowledgement (same level, new state) is not sent (the audit log has it); it
//   does stop the repeats. A shelved or out-of-service alarm sends nothing and does not
//   repeat; when it comes back, a level other than the last one sent is news.
// - An alarm left active and unacknowledged is sent again every `repeat_ms`; a reminder
//   held in a grouping window is dropped if the alarm is acknowledged before it goes.
// - Grouping, per site: the first change after a quiet spell goes out at once (a red alarm
//   must not wait); further changes within `group_window_ms` are held and go out together
//   as one message when the window ends, and so on while the site stays busy. One event at
//   a site therefore sends at most one message per window, however many points it touches.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aggregator/notify/settings.hpp"
#include "firmware/wire/messages.hpp"

namespace lookout::aggregator::notify {

/// One alarm in a message.
struct Change {
  wire::AlarmMessage alarm;                    ///< the alarm's latest state
  wire::Level previous = wire::Level::normal;  ///< its level in the last message sent about it
  wire::Level peak = wire::Level::normal;      ///< highest level it had since that message
  bool repeat = false;                         ///< a reminder, not a change
  /// What a channel's minimum level is compared with: a clear of a red alarm is red news.
  wire::Level severity() const;
  bool cleared() const { return alarm.level == wire::Level::normal; }
};

/// One message: one change, or several at one site.
struct Notice {
  std::string id;  ///< unique; receivers may use it to drop a copy
  std::string enterprise;
  std::string site;
  std::int64_t at_ms = 0;  ///< [ms UTC] when it was decided
  std::vector<Change> changes;
  wire::Level severity() const;
};

/// The part of a notice a channel takes; nullopt when it takes none of it.
std::optional<Notice> select(const Notice& n, const ChannelFilter& f);

class Notifier {
 public:
  Notifier(std::int64_t group_window_ms, std::int64_t repeat_ms);

  /// What the alarms are at start (from the database): known, not sent.
  void seed(const std::vector<wire::AlarmMessage>& current, std::int64_t now_ms);
  /// Alarm changes as the aggregator publishes them; returns the messages due now.
  std::vector<Notice> on_changes(const std::vector<wire::AlarmMessage>& changes, std::int64_t now_ms);
  /// Call often (e.g. every second): messages whose window ended, and repeats.
  std::vector<Notice> tick(std::int64_t now_ms);

 private:
  struct Known {
    wire::AlarmMessage alarm;
    wire::Level notified = wire::Level::normal;  ///< level in the last message
    std::int64_t last_sent_ms = 0;               ///< [ms] of the last message about it
  };
  struct Site {
    bool window_open = false;
    std::int64_t window_end_ms = 0;
    std::vector<std::pair<std::string, Change>> pending;  ///< by alarm key, in arrival order
  };
  void hold(const std::string& key, Change c);
  /// A reminder still held for an alarm someone has taken (or that cleared or was shelved) is not sent.
  void drop_reminder(const std::string& key, const wire::AlarmMessage& a);
  std::vector<Notice> flush_due(std::int64_t now_ms);

  std::int64_t group_window_ms_;
  std::int64_t repeat_ms_;
  std::map<std::string, Known> known_;
  std::map<std::pair<std::string, std::string>, Site> sites_;
  std::uint64_t next_id_ = 1;
};

}  // namespace lookout::aggregator::notify
