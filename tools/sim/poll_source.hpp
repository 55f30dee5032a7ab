#pragma once
// Something the simulator's single poll() loop watches: a listener and its connections.

#include <poll.h>

#include <chrono>
#include <span>
#include <vector>

namespace lookout::sim {

using Clock = std::chrono::steady_clock;

class PollSource {
 public:
  virtual ~PollSource() = default;

  /// Appends the descriptors to watch, with the events wanted.
  virtual void add_poll_fds(std::vector<pollfd>& fds) const = 0;

  /// Handles the poll results for exactly the descriptors add_poll_fds appended, in order.
  /// Called after every poll() wake-up, also when none of them is ready (a timeout).
  virtual void on_poll(std::span<const pollfd> ready) = 0;

  /// [ms] how long poll() may wait before on_poll must run again; -1 = no timer.
  virtual int poll_timeout_ms(Clock::time_point /*now*/) const { return -1; }
};

}  // namespace lookout::sim
