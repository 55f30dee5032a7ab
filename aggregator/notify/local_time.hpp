#pragma once
// A site's wall-clock time for a message. g++ 12's libstdc++ has no std::chrono::zoned_time
// or tzdb, and setting TZ for localtime_r is process-wide and not thread-safe, so a zone
// is a fixed offset from UTC: a small table of names (the zones Lookout's users are in,
// none with daylight saving today) or an explicit "UTC+08:00".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lookout::aggregator::notify {

/// The offset [min] east of UTC of a zone name (e.g. "Asia/Shanghai") or of
/// "UTC", "UTC+08:00", "UTC-03:30"; nullopt when unknown.
std::optional<int> zone_offset(std::string_view name);

/// "2026-11-26 11:23:31 +08:00" for `utc_ms` [ms UTC] at `offset_min` [min] east of UTC.
std::string local_time(std::int64_t utc_ms, int offset_min);

}  // namespace lookout::aggregator::notify
