#include "aggregator/notify/settings.hpp"

#include <algorithm>

namespace lookout::aggregator::notify {

bool ChannelFilter::matches(std::string_view e, std::string_view s, wire::Level level) const {
  return level >= min_level && (enterprise.empty() || enterprise == e) && (site.empty() || site == s);
}

std::int64_t RetryPolicy::delay_before(int attempt) const {
  if (attempt <= 1) return 0;
  std::int64_t d = std::max<std::int64_t>(1, initial_ms);
  for (int i = 2; i < attempt && d < max_ms; ++i) d *= 2;
  return std::min(d, max_ms);
}

int NotifySettings::offset_for(std::string_view enterprise, std::string_view site) const {
  const ZoneOverride* best = nullptr;
  int best_rank = -1;
  for (const auto& z : zones) {
    if ((!z.enterprise.empty() && z.enterprise != enterprise) || (!z.site.empty() && z.site != site)) continue;
    const int rank = (z.site.empty() ? 0 : 2) + (z.enterprise.empty() ? 0 : 1);
    if (rank > best_rank) {
      best = &z;
      best_rank = rank;
    }
  }
  return best != nullptr ? best->offset_min : offset_min;
}

}  // namespace lookout::aggregator::notify
