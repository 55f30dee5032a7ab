#pragma once
// What a notification channel (a webhook, a command hook) has done since the aggregator
// started: for /metrics and the alarm-system health figures.

#include <cstddef>
#include <cstdint>
#include <string>

namespace lookout::aggregator::notify {

struct ChannelStats {
  std::uint64_t delivered = 0;
  std::uint64_t failed_attempts = 0;
  std::uint64_t given_up = 0;  ///< after max_attempts
  std::uint64_t dropped = 0;   ///< queue full (queue_limit), or its channel no longer configured
  std::size_t queued = 0;      ///< waiting now, in memory and in the outbox
};

/// One channel and its figures.
struct ChannelHealth {
  std::string kind;  ///< "webhook" or "command_hook"
  std::string name;  ///< the URL, or the program and recipient
  ChannelStats stats;
  std::size_t queue_limit = 0;  ///< its bound on `stats.queued`; 0: none
};

}  // namespace lookout::aggregator::notify
