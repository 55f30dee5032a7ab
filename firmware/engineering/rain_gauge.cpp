#include "firmware/engineering/rain_gauge.hpp"

#include <array>
#include <cmath>

namespace lookout::firmware::engineering {
namespace {

// XJ-RG2.md line 10: "0 = 0.1 mm per tip, 1 = 0.2 mm (default), 2 = 0.5 mm", in [0.1 mm].
constexpr std::array<int, 3> TENTHS_MM_PER_TIP{1, 2, 5};

}  // namespace

TipInterval tips_between(const TipCounter& before, const TipCounter& now) {
  if (now.boot_count != before.boot_count) return {TipCount::restarted, now.tips};  // "count the new value from 0"
  if (now.tips >= before.tips) return {TipCount::counted, static_cast<std::uint64_t>(now.tips - before.tips)};
  // "wraps from 4294967295 to 0": unsigned arithmetic is modulo 2^32.
  return {TipCount::wrapped, static_cast<std::uint32_t>(now.tips - before.tips)};
}

std::optional<double> mm_per_tip(int resolution_code) {
  if (resolution_code < 0 || resolution_code >= static_cast<int>(TENTHS_MM_PER_TIP.size())) return std::nullopt;
  return TENTHS_MM_PER_TIP[static_cast<std::size_t>(resolution_code)] / 10.0;
}

double rainfall_mm(std::uint64_t tips, double mm_per_tip) {
  // Rounded to 0.01 mm so 3 x 0.1 mm is 0.3 mm, not 0.30000000000000004.
  return std::round(static_cast<double>(tips) * mm_per_tip * 100.0) / 100.0;
}

}  // namespace lookout::firmware::engineering
