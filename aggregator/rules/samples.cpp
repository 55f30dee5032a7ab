#include "aggregator/rules/samples.hpp"

#include <algorithm>

namespace lookout::aggregator {

void Samples::add(std::int64_t ts_ms, double value, std::int64_t keep_ms) {
  const auto at = std::upper_bound(samples_.begin(), samples_.end(), ts_ms,
                                   [](std::int64_t t, const Sample& s) { return t < s.ts_ms; });
  samples_.insert(at, Sample{ts_ms, value});
  const std::int64_t oldest = samples_.back().ts_ms - keep_ms;
  while (!samples_.empty() && samples_.front().ts_ms < oldest) samples_.pop_front();
}

std::optional<Sample> Samples::first_in(std::int64_t from_ms, std::int64_t to_ms) const {
  for (const auto& s : samples_) {
    if (s.ts_ms > to_ms) break;
    if (s.ts_ms >= from_ms) return s;
  }
  return std::nullopt;
}

std::optional<Sample> Samples::last_at_or_before(std::int64_t to_ms) const {
  for (auto it = samples_.rbegin(); it != samples_.rend(); ++it) {
    if (it->ts_ms <= to_ms) return *it;
  }
  return std::nullopt;
}

double Samples::sum(std::int64_t from_ms, std::int64_t to_ms) const {
  double total = 0;
  for (const auto& s : samples_) {
    if (s.ts_ms > from_ms && s.ts_ms <= to_ms) total += s.value;
  }
  return total;
}

}  // namespace lookout::aggregator
