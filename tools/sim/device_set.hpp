#pragma once
// The simulated devices, found by name (control protocol) or unit id (Modbus).

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
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

  /// A field a person set (control `set`) is held: a scenario leaves it alone until the
  /// person releases it.
  void hold(std::string_view device, std::string_view field);
  bool held(std::string_view device, std::string_view field) const;
  /// Releases one field, or every field of the device when `field` is empty; how many.
  std::size_t release(std::string_view device, std::string_view field);

 private:
  std::vector<std::unique_ptr<Device>> devices_;
  std::set<std::pair<std::string, std::string>> held_;  ///< (device, field)
};

}  // namespace lookout::sim
