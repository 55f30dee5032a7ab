#include <doctest/doctest.h>

#include "aggregator/rules/sensor_fault.hpp"

using namespace lookout::aggregator;
using lookout::wire::DeviceStatus;
using lookout::wire::Level;
using lookout::wire::Quality;
using lookout::wire::Reading;

TEST_SUITE("aggregator.rules.sensor_fault") {
  TEST_CASE("a bad reading with a fault status raises a fault and any other reading clears it") {
    SensorFaultRule rule;
    Reading r{"gd-1.gas", "h2s", std::nullopt, "ppm", 1, Quality::bad, DeviceStatus::sensor_fault};
    auto j = judge_fault(rule, r);
    CHECK(j.level == Level::yellow);
    CHECK(j.rule == "fault.sensor_fault");
    r.status = DeviceStatus::loop_fault;
    CHECK(judge_fault(rule, r).rule == "fault.loop_fault");
    // warming up and calibration are expected states; offline is a loss of data, not a fault
    for (auto st : {DeviceStatus::warming_up, DeviceStatus::calibration, DeviceStatus::offline}) {
      r.status = st;
      CHECK(judge_fault(rule, r).level == Level::normal);
    }
    const Reading good{"gd-1.gas", "h2s", 1.0, "ppm", 2, Quality::good, DeviceStatus::ok};
    CHECK(judge_fault(rule, good).level == Level::normal);
  }
}
