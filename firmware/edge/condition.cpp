#include "firmware/edge/condition.hpp"

#include <sstream>

namespace lookout::firmware::edge {

Side judge(const Condition& c, const wire::Reading& r) {
  if (!r.is_valid()) return Side::unknown;
  const double v = *r.value;
  if (c.above) {
    if (v >= c.level) return Side::over;
    // Over range says "at least full scale": it can reach a level, never prove a restore.
    if (r.is_lower_bound()) return Side::unknown;
    return v < c.restore ? Side::restored : Side::between;
  }
  if (r.is_lower_bound()) return v > c.restore ? Side::restored : Side::unknown;
  if (v <= c.level) return Side::over;
  return v > c.restore ? Side::restored : Side::between;
}

std::string describe(const Condition& c) {
  std::ostringstream s;
  s << c.point << (c.above ? " >= " : " <= ") << c.level << " (restore " << (c.above ? "below " : "above ")
    << c.restore << ")";
  return s.str();
}

}  // namespace lookout::firmware::edge
