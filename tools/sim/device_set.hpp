#pragma once
// The simulated devices, found by name (control protocol) or unit id (Modbus).

#include <memory>
#include <string_view>
#include <vector>

#include "tools/sim/device.hpp"

namespace lookout::sim {

class DeviceSet {
 public:
  /// Throws std::invalid_argument on a duplicate name or unit id.
  void add(std::unique_ptr<Device> device);

  Device* find(std::string_view name) const;
  Device* find_unit(int unit) const;
  const std::vector<std::unique_ptr<Device>>& devices() const { return devices_; }

 private:
  std::vector<std::unique_ptr<Device>> devices_;
};

}  // namespace lookout::sim
