// Quality and device status names (firmware/wire/reading.cpp).
#include <doctest/doctest.h>

#include "firmware/wire/reading.hpp"

using namespace lookout::wire;

TEST_SUITE("wire.reading") {
  TEST_CASE("every device status has a name that reads back") {
    for (const auto s : {DeviceStatus::ok, DeviceStatus::offline, DeviceStatus::warming_up, DeviceStatus::calibration,
                         DeviceStatus::inhibited, DeviceStatus::sensor_fault, DeviceStatus::loop_fault,
                         DeviceStatus::over_range, DeviceStatus::calibration_expired, DeviceStatus::maintenance_due,
                         DeviceStatus::invalid_response, DeviceStatus::measuring, DeviceStatus::weak_signal,
                         DeviceStatus::restarted, DeviceStatus::no_fix, DeviceStatus::float_solution}) {
      CHECK(to_string(s) != "?");
      CHECK(device_status_from_string(to_string(s)) == s);
    }
    CHECK(to_string(DeviceStatus::no_fix) == "no_fix");
    CHECK(to_string(DeviceStatus::float_solution) == "float_solution");
    CHECK(!device_status_from_string("fixed"));
  }

  TEST_CASE("over range and a restarted counter are lower bounds") {
    Reading r{"rg-1.rain", "rain", 3.0, "mm", 1, Quality::uncertain, DeviceStatus::restarted};
    CHECK(r.is_lower_bound());
    CHECK(r.is_valid());
    r.status = DeviceStatus::over_range;
    CHECK(r.is_lower_bound());
    r.status = DeviceStatus::measuring;
    CHECK(!r.is_lower_bound());
  }
}
