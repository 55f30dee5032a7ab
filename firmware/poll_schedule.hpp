#pragma once
// When each device on a bus is polled next, and whether the poll touches the bus.
// A device that stops answering is reported offline at its poll period without a request,
// and probed with backoff (after 1, 2, 4 ... periods, up to a limit) in the bus's idle time
// only: a probe goes in a gap before the next poll, waiting no longer than the gap allows,
// so a dead device never shifts the polls of the others (design.md "One dead device never
// slows the others").

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace lookout::firmware {

struct BackoffPolicy {
  std::int64_t max_ms = 60000;  ///< [ms] longest wait between probes of a silent device
};

/// What the bus does next.
struct PollStep {
  enum class Kind {
    wait,     ///< nothing now: sleep until `until_ms`
    poll,     ///< poll `device` on the bus (it answers, or the operator asked)
    offline,  ///< `device` is silent: its readings at this period are offline, the bus is not asked
    probe,    ///< ask silent `device` once, briefly, in idle time
  };
  Kind kind = Kind::wait;
  std::size_t device = 0;
  std::int64_t until_ms = std::numeric_limits<std::int64_t>::max();  ///< wait: when something falls due
  std::int64_t timeout_ms = 0;  ///< probe: how long it may wait for the answer
};

class PollSchedule {
 public:
  /// One entry per device, with its poll period [ms]; all due at `now_ms`.
  PollSchedule(std::vector<std::int64_t> periods_ms, BackoffPolicy policy, std::int64_t now_ms);

  /// What to do at `now_ms`. A due poll comes first; then a probe whose time has come, in the
  /// gap before the next poll and `busy_ms` (when something else is due on the bus, a write):
  /// it waits up to `probe_timeout_ms` for the answer, less if the gap (less `overhead_ms`, what a
  /// request costs besides waiting) is shorter, but not in a gap that leaves it less than half
  /// its timeout (a device that answers at all answers well within half the timeout set for
  /// it). On a bus with no such gap a probe overdue by the policy's limit goes with its whole
  /// timeout. Otherwise a wait.
  PollStep step(std::int64_t now_ms, std::int64_t probe_timeout_ms, std::int64_t overhead_ms = 0,
                std::int64_t busy_ms = std::numeric_limits<std::int64_t>::max()) const;

  /// The device due first.
  std::size_t next() const;
  /// [ms] when it is due.
  std::int64_t due_ms(std::size_t device) const { return entries_[device].due_ms; }
  /// False while a device is silent: its polls are offline readings, the bus is left alone.
  bool should_read(std::size_t device) const;
  /// After a poll at `now_ms`: whether the device answered (ignored when it was not read).
  void record(std::size_t device, bool read, bool answered, std::int64_t now_ms);
  /// After a probe that ended at `now_ms`: an answer makes the device polled again.
  void record_probe(std::size_t device, bool answered, std::int64_t now_ms);
  /// Poll this device at once, on the bus even while silent (a command from the operator).
  void poll_now(std::size_t device, std::int64_t now_ms);
  /// Changes a device's period (a point entering or leaving a warning state).
  void set_period(std::size_t device, std::int64_t period_ms);

  std::uint32_t failures(std::size_t device) const { return entries_[device].failures; }
  /// [ms] when a silent device may be probed next.
  std::int64_t next_probe_ms(std::size_t device) const { return entries_[device].next_probe_ms; }

 private:
  struct Entry {
    std::int64_t period_ms;
    std::int64_t due_ms;
    std::int64_t next_probe_ms = 0;
    std::uint32_t failures = 0;
    bool forced = false;  ///< poll_now: read on the bus even while silent
  };
  /// After a failure at `now_ms`: the next probe after period, 2 x period, 4 x period ...
  void back_off(Entry& e, std::int64_t now_ms);

  BackoffPolicy policy_;
  std::vector<Entry> entries_;
};

}  // namespace lookout::firmware
