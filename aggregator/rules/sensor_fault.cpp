#include "aggregator/rules/sensor_fault.hpp"

namespace lookout::aggregator {

bool is_fault_status(wire::DeviceStatus s) {
  using wire::DeviceStatus;
  return s == DeviceStatus::sensor_fault || s == DeviceStatus::loop_fault || s == DeviceStatus::invalid_response;
}

FaultJudgement judge_fault(const SensorFaultRule& rule, const wire::Reading& r) {
  if (r.quality == wire::Quality::bad && is_fault_status(r.status)) {
    return {rule.level, "fault." + std::string(wire::to_string(r.status))};
  }
  return {wire::Level::normal, "fault"};
}

}  // namespace lookout::aggregator
