#include "aggregator/notify/local_time.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <utility>

namespace lookout::aggregator::notify {
namespace {

/// IANA names and their offsets [min]; each without daylight saving since the dates noted.
constexpr std::array<std::pair<std::string_view, int>, 14> ZONES{{
    {"Asia/Shanghai", 480},    // China Standard Time, no DST since 1991
    {"Asia/Chongqing", 480},   // alias of Asia/Shanghai
    {"Asia/Harbin", 480},      // alias of Asia/Shanghai
    {"PRC", 480},              // alias of Asia/Shanghai
    {"Asia/Urumqi", 360},      // Xinjiang time, as the tz database has it
    {"Asia/Hong_Kong", 480},   // no DST since 1979
    {"Asia/Macau", 480},
    {"Asia/Taipei", 480},      // no DST since 1979
    {"Asia/Singapore", 480},
    {"Asia/Tokyo", 540},
    {"Asia/Seoul", 540},
    {"Asia/Kolkata", 330},
    {"Etc/UTC", 0},
    {"UTC", 0},
}};

}  // namespace

std::optional<int> zone_offset(std::string_view name) {
  for (const auto& [n, off] : ZONES) {
    if (n == name) return off;
  }
  // "UTC+08:00", "UTC-03:30", "UTC+8"
  if (name.size() < 5 || name.substr(0, 3) != "UTC" || (name[3] != '+' && name[3] != '-')) return std::nullopt;
  const int sign = name[3] == '+' ? 1 : -1;
  int hours = 0;
  int minutes = 0;
  std::size_t i = 4;
  int digits = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && digits < 2) {
    hours = hours * 10 + (name[i++] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < name.size()) {
    if (name[i] != ':' || name.size() != i + 3) return std::nullopt;
    for (std::size_t k = i + 1; k < name.size(); ++k) {
      if (name[k] < '0' || name[k] > '9') return std::nullopt;
      minutes = minutes * 10 + (name[k] - '0');
    }
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  return sign * (hours * 60 + minutes);
}

std::string local_time(std::int64_t utc_ms, int offset_min) {
  // Floor division: times before 1970 are not expected, but must not print garbage.
  std::int64_t secs = utc_ms / 1000;
  if (utc_ms % 1000 < 0) --secs;
  const std::time_t t = static_cast<std::time_t>(secs + std::int64_t{offset_min} * 60);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
  const int a = offset_min < 0 ? -offset_min : offset_min;
  char out[48];
  std::snprintf(out, sizeof out, "%s %c%02d:%02d", date, offset_min < 0 ? '-' : '+', a / 60, a % 60);
  return out;
}

}  // namespace lookout::aggregator::notify
