#pragma once
// The built-in device profiles, one file per model.

#include "firmware/profile.hpp"

namespace lookout::firmware::profiles {

Profile xj_ch4();    ///< coal-mine methane sensor
Profile xj_gd100();  ///< fixed gas detector
Profile xj_vw4();    ///< 4-channel vibrating-wire readout (piezometers, crack meters)
Profile xj_rl80();   ///< radar water-level gauge
Profile xj_rg2();    ///< tipping-bucket rain gauge
Profile xj_in3();    ///< in-place inclinometer node
Profile xj_gn1();    ///< GNSS displacement station
Profile xj_ar4();    ///< 4-relay alarm output module

}  // namespace lookout::firmware::profiles
