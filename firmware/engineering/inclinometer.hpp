#pragma once
// In-place inclinometer segments: tilt to displacement (datasheets/XJ-IN3.md "Converting").

#include <span>

namespace lookout::firmware::engineering {

/// [mm] displacement of one segment along an axis: L x (sin(theta) - sin(theta0)) x 1000
/// (XJ-IN3.md line 17), from the segment length L [m], the tilt theta [deg] and the tilt at
/// installation theta0 [deg].
double segment_displacement_mm(double segment_length_m, double tilt_deg, double zero_tilt_deg);

/// [mm] cumulative displacement at a depth: the sum over the segments below it (line 18-19),
/// given each segment's displacement [mm].
double cumulative_displacement_mm(std::span<const double> segment_displacements_mm);

}  // namespace lookout::firmware::engineering
