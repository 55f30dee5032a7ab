#pragma once
// The built-in device profiles, one file per model.

#include "firmware/profile.hpp"

namespace lookout::firmware::profiles {

Profile xj_ch4();
Profile xj_gd100();

}  // namespace lookout::firmware::profiles
