#include "aggregator/rate_limiter.hpp"

#include <algorithm>

namespace lookout::aggregator {

bool RateLimiter::allow(const std::string& client, std::int64_t now_ms) {
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (buckets_.size() >= MAX_RATE_CLIENTS) {
      // A full bucket holds nothing worth remembering.
      std::erase_if(buckets_, [&](const auto& kv) {
        return kv.second.tokens + rate_ * static_cast<double>(now_ms - kv.second.at_ms) / 1000.0 >= burst_;
      });
      // Still full: more addresses than loopback can have; forget them all rather than grow.
      if (buckets_.size() >= MAX_RATE_CLIENTS) buckets_.clear();
    }
    it = buckets_.emplace(client, Bucket{static_cast<double>(burst_), now_ms}).first;
  }
  Bucket& b = it->second;
  const double elapsed_s = static_cast<double>(std::max<std::int64_t>(0, now_ms - b.at_ms)) / 1000.0;
  b.tokens = std::min(static_cast<double>(burst_), b.tokens + elapsed_s * rate_);
  b.at_ms = now_ms;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace lookout::aggregator
