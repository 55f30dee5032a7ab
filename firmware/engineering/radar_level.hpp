#pragma once
// A radar level gauge's air gap to a water-level elevation (datasheets/XJ-RL80.md "Converting").

namespace lookout::firmware::engineering {

/// [m] water-level elevation: sensor face elevation [m] - air gap [mm] / 1000 (XJ-RL80.md line 19).
double water_level_elevation_m(double face_elevation_m, double air_gap_mm);

}  // namespace lookout::firmware::engineering
