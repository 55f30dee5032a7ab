#pragma once
// Requests per client address: a token bucket each (`rate` per second, `burst` at once).
// Plain C++; time comes in as an argument.

#include <cstdint>
#include <string>
#include <unordered_map>

namespace lookout::aggregator {

class RateLimiter {
 public:
  RateLimiter(double rate_per_s, int burst) : rate_(rate_per_s), burst_(burst) {}
  /// True when the client may make one more request at `now_ms` [ms, monotonic].
  bool allow(const std::string& client, std::int64_t now_ms);
  std::size_t clients() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t at_ms = 0;
  };
  double rate_;
  int burst_;
  std::unordered_map<std::string, Bucket> buckets_;
};

/// Most client addresses remembered; beyond it, the full buckets are forgotten.
constexpr std::size_t MAX_RATE_CLIENTS = 10000;

}  // namespace lookout::aggregator
