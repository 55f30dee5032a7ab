#pragma once
// Model name -> simulated device. Adding a model is one line in device_factory.cpp.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tools/sim/device.hpp"

namespace lookout::sim {

/// Models the simulator knows, spelled as their datasheets spell them.
std::vector<std::string_view> known_models();

/// A new device of that model, or nullptr for an unknown model.
std::unique_ptr<Device> make_device(std::string_view model, std::string name, int unit,
                                    Seconds warmup);

}  // namespace lookout::sim
