#pragma once
// Sensor fault: a bad reading whose device status says the sensing element, its loop or its
// answers are broken. An alarm of its own, apart from the process alarm (which keeps its
// level: a broken sensor proves nothing about the gas).

#include <string>

#include "firmware/wire/reading.hpp"
#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

struct SensorFaultRule {
  wire::Level level = wire::Level::yellow;
};

/// True for sensor_fault, loop_fault and invalid_response. A device that does not answer
/// (offline) is a loss of data (comm_loss.hpp); warming up, calibration and inhibit are
/// expected states, not faults.
bool is_fault_status(wire::DeviceStatus s);

struct FaultJudgement {
  wire::Level level = wire::Level::normal;
  std::string rule;  ///< "fault.{status}"
};

/// Any reading judges it: a fault raises, any other reading clears.
FaultJudgement judge_fault(const SensorFaultRule& rule, const wire::Reading& reading);

}  // namespace lookout::aggregator
