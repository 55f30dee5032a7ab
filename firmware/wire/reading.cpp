#include "firmware/wire/reading.hpp"

#include <array>
#include <utility>

namespace lookout::wire {
namespace {

constexpr std::array<std::pair<Quality, std::string_view>, 3> QUALITY_NAMES{{
    {Quality::good, "good"},
    {Quality::uncertain, "uncertain"},
    {Quality::bad, "bad"},
}};

constexpr std::array<std::pair<DeviceStatus, std::string_view>, 16> STATUS_NAMES{{
    {DeviceStatus::ok, "ok"},
    {DeviceStatus::offline, "offline"},
    {DeviceStatus::warming_up, "warming_up"},
    {DeviceStatus::calibration, "calibration"},
    {DeviceStatus::inhibited, "inhibited"},
    {DeviceStatus::sensor_fault, "sensor_fault"},
    {DeviceStatus::loop_fault, "loop_fault"},
    {DeviceStatus::over_range, "over_range"},
    {DeviceStatus::calibration_expired, "calibration_expired"},
    {DeviceStatus::maintenance_due, "maintenance_due"},
    {DeviceStatus::invalid_response, "invalid_response"},
    {DeviceStatus::measuring, "measuring"},
    {DeviceStatus::weak_signal, "weak_signal"},
    {DeviceStatus::restarted, "restarted"},
    {DeviceStatus::no_fix, "no_fix"},
    {DeviceStatus::float_solution, "float_solution"},
}};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [k, v] : table) {
    if (k == e) return v;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> parse(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [k, v] : table) {
    if (v == s) return k;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Quality q) { return name_of(QUALITY_NAMES, q); }
std::string_view to_string(DeviceStatus s) { return name_of(STATUS_NAMES, s); }
std::optional<Quality> quality_from_string(std::string_view s) { return parse(QUALITY_NAMES, s); }
std::optional<DeviceStatus> device_status_from_string(std::string_view s) { return parse(STATUS_NAMES, s); }

}  // namespace lookout::wire
