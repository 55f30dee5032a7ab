#pragma once
// When each device on a bus is polled next, and whether the poll touches the bus.
// A device that stops answering is probed with backoff (its poll period doubling up to a
// limit) so it never eats the bus time of the others; in between, its readings are made
// offline without a request, so the aggregator still sees the loss at the poll period.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lookout::firmware {

struct BackoffPolicy {
  std::int64_t max_ms = 60000;  ///< [ms] longest wait between probes of a silent device
};

class PollSchedule {
 public:
  /// One entry per device, with its poll period [ms]; all due at `now_ms`.
  PollSchedule(std::vector<std::int64_t> periods_ms, BackoffPolicy policy, std::int64_t now_ms);

  /// The device due first.
  std::size_t next() const;
  /// [ms] when it is due.
  std::int64_t due_ms(std::size_t device) const { return entries_[device].due_ms; }
  /// False while a silent device is backing off: make offline readings, send nothing.
  bool should_read(std::size_t device, std::int64_t now_ms) const;
  /// After a poll at `now_ms`: whether the device answered (ignored when it was not read).
  void record(std::size_t device, bool read, bool answered, std::int64_t now_ms);
  /// Poll this device at once (a command from the operator).
  void poll_now(std::size_t device, std::int64_t now_ms);
  /// Changes a device's period (a point entering or leaving a warning state).
  void set_period(std::size_t device, std::int64_t period_ms);

  std::uint32_t failures(std::size_t device) const { return entries_[device].failures; }

 private:
  struct Entry {
    std::int64_t period_ms;
    std::int64_t due_ms;
    std::int64_t next_probe_ms = 0;
    std::uint32_t failures = 0;
  };
  BackoffPolicy policy_;
  std::vector<Entry> entries_;
};

}  // namespace lookout::firmware
