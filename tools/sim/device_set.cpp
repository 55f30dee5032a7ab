#include "tools/sim/device_set.hpp"

#include <stdexcept>
#include <string>

namespace lookout::sim {

void DeviceSet::add(std::unique_ptr<Device> device) {
  if (!device) throw std::invalid_argument("no device");
  if (find(device->name())) {
    throw std::invalid_argument("duplicate device name '" + device->name() + "'");
  }
  if (find_unit(device->unit())) {
    throw std::invalid_argument("duplicate unit id " + std::to_string(device->unit()));
  }
  devices_.push_back(std::move(device));
}

Device* DeviceSet::find(std::string_view name) const {
  for (const auto& d : devices_) {
    if (d->name() == name) return d.get();
  }
  return nullptr;
}

Device* DeviceSet::find_unit(int unit) const {
  for (const auto& d : devices_) {
    if (d->unit() == unit) return d.get();
  }
  return nullptr;
}

}  // namespace lookout::sim
