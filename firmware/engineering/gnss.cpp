#include "firmware/engineering/gnss.hpp"

#include <cmath>

namespace lookout::firmware::engineering {

double horizontal_displacement_mm(double d_north_mm, double d_east_mm) { return std::hypot(d_north_mm, d_east_mm); }

}  // namespace lookout::firmware::engineering
