#pragma once
// GNSS displacement from solved offsets (datasheets/XJ-GN1.md "Quirks").

namespace lookout::firmware::engineering {

/// [mm] horizontal displacement sqrt(d_north^2 + d_east^2) (XJ-GN1.md line 26), offsets in [mm].
double horizontal_displacement_mm(double d_north_mm, double d_east_mm);

}  // namespace lookout::firmware::engineering
