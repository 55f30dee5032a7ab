#pragma once
// A tipping-bucket counter to rainfall per interval (datasheets/XJ-RG2.md "Converting"):
// wraps and restarts told apart, nothing invented across a power cut.

#include <cstdint>
#include <optional>

namespace lookout::firmware::engineering {

/// What a tipping-bucket gauge's counter registers said at one poll.
struct TipCounter {
  std::uint32_t tips = 0;        ///< [tips] counted since power-on
  std::uint16_t boot_count = 0;  ///< incremented at every power-on
};

/// How the tips of an interval were counted.
enum class TipCount {
  counted,    ///< now - before, same boot
  wrapped,    ///< the counter went past 4294967295 to 0 (tips down, same boot_count)
  restarted,  ///< boot_count changed: the counter restarted at 0; tips before the cut are lost
};

struct TipInterval {
  TipCount how = TipCount::counted;
  std::uint64_t tips = 0;  ///< [tips] in the interval (since power-on when restarted)
};

/// The tips between two polls (XJ-RG2.md lines 15-18). A changed boot_count means the
/// counter restarted: the new value counts from 0 and rain before the restart is not guessed.
TipInterval tips_between(const TipCounter& before, const TipCounter& now);

/// [mm per tip] from the resolution code (XJ-RG2.md line 10: 0 = 0.1, 1 = 0.2, 2 = 0.5); nullopt
/// for a code the sheet does not define.
std::optional<double> mm_per_tip(int resolution_code);

/// [mm] rainfall of `tips` tips at `mm_per_tip` [mm].
double rainfall_mm(std::uint64_t tips, double mm_per_tip);

}  // namespace lookout::firmware::engineering
