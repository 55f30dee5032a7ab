#pragma once
// What a device's profile keeps across gateway restarts (Profile::kept_state: an XJ-GN1's
// last epoch sent), as the outbox stores it beside the batch that carried its readings.

#include <string>

#include "firmware/profile.hpp"

namespace lookout::gateway {

struct KeptState {
  std::string device;  ///< the device's name in the site file
  std::string model;   ///< its model then: a device given another model starts afresh
  firmware::DeviceState state;
};

}  // namespace lookout::gateway
