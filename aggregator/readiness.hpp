#pragma once
// What `GET /healthz` says: whether the aggregator is doing its job now, and if not, why.
// Plain C++: the aggregator gathers the facts, this decides what is wrong with them.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aggregator/notify/channel_stats.hpp"

namespace lookout::aggregator {

struct ReadinessFacts {
  std::string broker;               ///< the broker's URI, for the reasons
  bool listener_connected = false;  ///< the session that receives the gateways' readings
  bool publisher_connected = false; ///< the session that publishes the retained alarm states
  /// The last store write that failed and nothing has succeeded since: why, or nothing.
  std::optional<std::string> store_error;
  std::size_t ingest_pending = 0;   ///< messages received and not yet stored
  std::int64_t ingest_lag_ms = 0;   ///< [ms] how long the last message stored had waited
  std::vector<notify::ChannelHealth> channels;
};

struct ReadinessLimits {
  /// [ms] a message waiting longer than this to be stored is a backlog worth saying.
  std::int64_t ingest_lag_ms = 10'000;
};

/// Every reason the aggregator is not well, one sentence each (English, for logs and load
/// balancers); empty when all is well.
std::vector<std::string> readiness_problems(const ReadinessFacts& facts, const ReadinessLimits& limits = {});

}  // namespace lookout::aggregator
