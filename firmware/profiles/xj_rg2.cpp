// XJ-RG2 tipping-bucket rain gauge with counter (datasheets/XJ-RG2.md).
//
// Channels (point "{device}.rain"):
//   rain   rain   mm   rainfall since the previous reading, from the tip counter
// No options. State: the previous poll's tips and boot_count. The first poll only sets the
// baseline (no reading); a changed boot_count gives the tips since power-on as `restarted`
// (uncertain, a lower bound: rain before the power cut is lost and never invented).

#include <cmath>

#include "firmware/engineering/rain_gauge.hpp"
#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware::profiles {
namespace {

using engineering::TipCount;
using engineering::TipCounter;
using wire::DeviceStatus;
using wire::Quality;

// Not on the sheet: more tips than this in one interval is no rain (10 000 mm at 0.1 mm per
// tip, five times the greatest 24 h rainfall ever recorded), so a "wrap" that large is a
// glitch, not 400 million mm of rain.
constexpr std::uint64_t MAX_TIPS_PER_INTERVAL = 100000;

constexpr std::string_view STATE_TIPS = "tips";
constexpr std::string_view STATE_BOOT = "boot_count";

std::vector<ChannelValue> interpret(const FieldValues& f, const DeviceOptions& /*options*/, DeviceState& state) {
  ChannelValue rain{"rain", "rain", "mm", std::nullopt, Quality::bad, DeviceStatus::ok};
  const auto mm_per_tip = engineering::mm_per_tip(static_cast<int>(f.get("resolution_code")));
  if (!mm_per_tip) {
    rain.status = DeviceStatus::invalid_response;  // keep the baseline: these tips count at the next good poll
    return {rain};
  }
  const TipCounter now{static_cast<std::uint32_t>(f.get("tips")), static_cast<std::uint16_t>(f.get("boot_count"))};
  const auto before_tips = state.get(STATE_TIPS);
  const auto before_boot = state.get(STATE_BOOT);
  state.set(STATE_TIPS, now.tips);
  state.set(STATE_BOOT, now.boot_count);
  if (!before_tips || !before_boot) return {};  // the first count is a baseline, not rain

  const TipCounter before{static_cast<std::uint32_t>(*before_tips), static_cast<std::uint16_t>(*before_boot)};
  const auto interval = engineering::tips_between(before, now);
  if (interval.tips > MAX_TIPS_PER_INTERVAL) {
    rain.status = DeviceStatus::invalid_response;
    return {rain};
  }
  rain.value = engineering::rainfall_mm(interval.tips, *mm_per_tip);
  if (interval.how == TipCount::restarted) {
    rain.quality = Quality::uncertain;  // at least this much: tips between the last poll and the cut are lost
    rain.status = DeviceStatus::restarted;
  } else {
    rain.quality = Quality::good;
  }
  return {rain};
}

}  // namespace

Profile xj_rg2() {
  return Profile{
      .model = "XJ-RG2",
      .sheet = "datasheets/XJ-RG2.md",
      .fields =
          {
              {"tips", RegisterKind::holding, 0, ValueType::u32, WordOrder::cdab, 1.0, "HR 0-1 tips uint32 CDAB"},
              {"resolution_code", RegisterKind::holding, 2, ValueType::u16, WordOrder::abcd, 1.0,
               "HR 2 resolution_code 0.1/0.2/0.5 mm"},
              // "unreliable: not for use": decoded, never reported.
              {"today_mm", RegisterKind::holding, 3, ValueType::u16, WordOrder::abcd, 0.1, "HR 3 today_x10 0.1 mm"},
              {"boot_count", RegisterKind::holding, 4, ValueType::u16, WordOrder::abcd, 1.0, "HR 4 boot_count"},
          },
      .max_registers_per_request = 125,
      .recommended_poll_ms = 60000,  // no period on the sheet; practice: rain per minute
      .channels = {{"rain", "rain", "mm"}},
      .interpret = interpret,
  };
}

}  // namespace lookout::firmware::profiles
