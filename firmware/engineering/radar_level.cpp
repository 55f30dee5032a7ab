#include "firmware/engineering/radar_level.hpp"

namespace lookout::firmware::engineering {

double water_level_elevation_m(double face_elevation_m, double air_gap_mm) {
  return face_elevation_m - air_gap_mm / 1000.0;  // [mm] -> [m]
}

}  // namespace lookout::firmware::engineering
