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

bool PollSchedule::should_read(std::size_t device, std::int64_t now_ms) const {
  const Entry& e = entries_[device];
  return e.failures == 0 || now_ms >= e.next_probe_ms;
}

void PollSchedule::record(std::size_t device, bool read, bool answered, std::int64_t now_ms) {
  Entry& e = entries_[device];
  if (read) {
    if (answered) {
      e.failures = 0;
    } else {
      ++e.failures;
      // period, 2 x period, 4 x period, ... up to the policy's limit
      const int shift = static_cast<int>(std::min<std::uint32_t>(e.failures - 1, 20));
      const std::int64_t wait = std::min(policy_.max_ms, e.period_ms << shift);
      e.next_probe_ms = now_ms + std::max(wait, e.period_ms);
    }
  }
  // Keep the cadence; a late poll does not make the next ones bunch up.
  e.due_ms = std::max(e.due_ms + e.period_ms, now_ms);
}

void PollSchedule::poll_now(std::size_t device, std::int64_t now_ms) {
  entries_[device].due_ms = now_ms;
  entries_[device].next_probe_ms = now_ms;
}

void PollSchedule::set_period(std::size_t device, std::int64_t period_ms) {
  Entry& e = entries_[device];
  if (period_ms < e.period_ms) e.due_ms = std::min(e.due_ms, e.due_ms - e.period_ms + period_ms);
  e.period_ms = period_ms;
}

}  // namespace lookout::firmware
