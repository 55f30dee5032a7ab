#include "firmware/poll_schedule.hpp"

#include <algorithm>

namespace lookout::firmware {

PollSchedule::PollSchedule(std::vector<std::int64_t> periods_ms, BackoffPolicy policy, std::int64_t now_ms)
    : policy_(policy) {
  for (const auto p : periods_ms) entries_.push_back({p, now_ms});
}

std::size_t PollSchedule::next() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < entries_.size(); ++i) {
    if (entries_[i].due_ms < entries_[best].due_ms) best = i;
  }
  return best;
}

PollStep PollSchedule::step(std::int64_t now_ms, std::int64_t probe_timeout_ms, std::int64_t overhead_ms,
                           std::int64_t busy_ms) const {
  PollStep s;
  if (entries_.empty()) return s;
  const std::size_t due = next();
  if (entries_[due].due_ms <= now_ms) {
    s.kind = should_read(due) ? PollStep::Kind::poll : PollStep::Kind::offline;
    s.device = due;
    return s;
  }
  // The silent device waiting longest for its probe; a probe ends before the next poll.
  const std::int64_t free_until = std::min(entries_[due].due_ms, busy_ms);
  s.until_ms = entries_[due].due_ms;
  bool have = false;
  std::size_t probe = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    if (e.failures == 0) continue;
    if (e.next_probe_ms > now_ms) {
      s.until_ms = std::min(s.until_ms, e.next_probe_ms);
      continue;
    }
    if (!have || e.next_probe_ms < entries_[probe].next_probe_ms) probe = i;
    have = true;
  }
  if (have) {
    const std::int64_t gap = std::min(probe_timeout_ms, free_until - now_ms - overhead_ms);
    // A bus with no gap long enough never finds the device again: once overdue by the
    // policy's limit, the probe goes at the next moment no poll is due.
    const bool overdue = now_ms >= entries_[probe].next_probe_ms + policy_.max_ms;
    if (2 * gap >= probe_timeout_ms || overdue) {
      s.kind = PollStep::Kind::probe;
      s.device = probe;
      s.timeout_ms = 2 * gap >= probe_timeout_ms ? gap : probe_timeout_ms;
      return s;
    }
  }
  return s;
}

bool PollSchedule::should_read(std::size_t device) const {
  const Entry& e = entries_[device];
  return e.failures == 0 || e.forced;
}

void PollSchedule::back_off(Entry& e, std::int64_t now_ms) {
  ++e.failures;
  // period, 2 x period, 4 x period, ... up to the policy's limit
  const int shift = static_cast<int>(std::min<std::uint32_t>(e.failures - 1, 20));
  const std::int64_t wait = std::min(policy_.max_ms, e.period_ms << shift);
  e.next_probe_ms = now_ms + std::max(wait, e.period_ms);
}

void PollSchedule::record(std::size_t device, bool read, bool answered, std::int64_t now_ms) {
  Entry& e = entries_[device];
  if (read) {
    if (answered) {
      e.failures = 0;
    } else {
      back_off(e, now_ms);
    }
    e.forced = false;
  }
  // Keep the cadence; a late poll does not make the next ones bunch up.
  e.due_ms = std::max(e.due_ms + e.period_ms, now_ms);
}

void PollSchedule::record_probe(std::size_t device, bool answered, std::int64_t now_ms) {
  Entry& e = entries_[device];
  if (answered) {
    e.failures = 0;  // on the bus again from its next period on
  } else {
    back_off(e, now_ms);
  }
}

void PollSchedule::poll_now(std::size_t device, std::int64_t now_ms) {
  entries_[device].due_ms = now_ms;
  entries_[device].forced = true;
}

void PollSchedule::set_period(std::size_t device, std::int64_t period_ms) {
  Entry& e = entries_[device];
  if (period_ms < e.period_ms) e.due_ms = std::min(e.due_ms, e.due_ms - e.period_ms + period_ms);
  e.period_ms = period_ms;
}

}  // namespace lookout::firmware
