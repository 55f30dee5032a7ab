#include "aggregator/rules/rollup.hpp"

#include <algorithm>

namespace lookout::aggregator {

wire::Level quantity_level(const std::vector<wire::Level>& points, const RollupRule& rule) {
  using wire::Level;
  const auto at_least = [&](Level l) {
    return static_cast<int>(std::count_if(points.begin(), points.end(), [l](Level p) { return p >= l; }));
  };
  Level out = Level::normal;
  for (const Level p : points) out = std::max(out, p);
  if (rule.blue_make_yellow > 0 && at_least(Level::blue) >= rule.blue_make_yellow) out = std::max(out, Level::yellow);
  if (rule.yellow_make_orange > 0 && at_least(Level::yellow) >= rule.yellow_make_orange) {
    out = std::max(out, Level::orange);
  }
  if (rule.orange_make_red > 0 && at_least(Level::orange) >= rule.orange_make_red) out = std::max(out, Level::red);
  return out;
}

wire::Level site_level(const std::vector<wire::Level>& quantities) {
  wire::Level out = wire::Level::normal;
  for (const auto q : quantities) out = std::max(out, q);
  return out;
}

}  // namespace lookout::aggregator
