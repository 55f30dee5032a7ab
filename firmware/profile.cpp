#include "firmware/profile.hpp"

#include <stdexcept>

namespace lookout::firmware {

void FieldValues::set(std::string_view name, double value) {
  for (auto& [k, v] : values_) {
    if (k == name) {
      v = value;
      return;
    }
  }
  values_.emplace_back(std::string(name), value);
}

double FieldValues::get(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return v;
  }
  throw std::out_of_range("no field " + std::string(name) + " in this poll");
}

bool FieldValues::has(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return true;
  }
  return false;
}

}  // namespace lookout::firmware
