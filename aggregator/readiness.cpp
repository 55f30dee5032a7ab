#include "aggregator/readiness.hpp"

namespace lookout::aggregator {

std::vector<std::string> readiness_problems(const ReadinessFacts& f, const ReadinessLimits& limits) {
  std::vector<std::string> out;
  if (!f.listener_connected) {
    out.push_back("broker: not connected to " + f.broker + ": readings from the gateways are not arriving");
  }
  if (!f.publisher_connected) {
    out.push_back("broker: the alarm publisher is not connected to " + f.broker +
                  ": retained alarm states are not being published");
  }
  if (f.store_error) out.push_back("database: not writable: " + *f.store_error);
  if (f.ingest_pending > 0 && f.ingest_lag_ms > limits.ingest_lag_ms) {
    out.push_back("ingest: " + std::to_string(f.ingest_pending) + " messages waiting; the last one stored had waited " +
                  std::to_string(f.ingest_lag_ms / 1000) + " s");
  }
  for (const auto& c : f.channels) {
    if (c.queue_limit > 0 && c.stats.queued >= c.queue_limit) {
      out.push_back("notifications: the " + c.kind + " " + c.name + " has " + std::to_string(c.stats.queued) +
                    " notices waiting, its queue_limit: new ones push out the oldest");
    }
  }
  return out;
}

}  // namespace lookout::aggregator
