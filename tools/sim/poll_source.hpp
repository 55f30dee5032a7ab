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
  virtual void on_poll(std::span<const pollfd> ready) = 0;
};

}  // namespace lookout::sim
