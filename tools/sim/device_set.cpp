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

void DeviceSet::hold(std::string_view device, std::string_view field) {
  held_.emplace(std::string(device), std::string(field));
}

bool DeviceSet::held(std::string_view device, std::string_view field) const {
  return held_.contains(std::pair<std::string, std::string>(device, field));
}

std::size_t DeviceSet::release(std::string_view device, std::string_view field) {
  return std::erase_if(held_, [&](const auto& h) { return h.first == device && (field.empty() || h.second == field); });
}

}  // namespace lookout::sim
