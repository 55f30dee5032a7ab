#pragma once
// Roll-up (GB 39496-2020 5.5.4): a quantity's level at a site from its points' levels, and a
// site's level from its quantities.

#include <vector>

#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

struct RollupRule {
  int blue_make_yellow = 4;   ///< this many points at blue or above make the quantity yellow
  int yellow_make_orange = 3;
  int orange_make_red = 2;
};

/// The highest point level, raised by the counts above. Counts are of points at a level or
/// higher, and one step only: four blue points make yellow, not more.
wire::Level quantity_level(const std::vector<wire::Level>& points, const RollupRule& rule = {});

/// A site's level is the highest of its quantities' (GB 39496 5.5.4).
wire::Level site_level(const std::vector<wire::Level>& quantities);

}  // namespace lookout::aggregator
