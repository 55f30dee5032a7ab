// XJ-CH4 coal-mine methane sensor, catalytic 0-4.00 %CH4 (datasheets/XJ-CH4.md).

#include <cmath>

#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware::profiles {
namespace {

using wire::DeviceStatus;
using wire::Quality;

constexpr double FULL_SCALE = 4.00;      // [%CH4] "Range 0.00-4.00 %CH4"
constexpr double RAW_FAULT = 65535;      // "65535 = element fault"
constexpr double RAW_MAX = 400;          // "(0-400)"

// Status register, input register 1.
constexpr int STATUS_NORMAL = 0;
constexpr int STATUS_WARMING_UP = 1;
constexpr int STATUS_FAULT = 2;
constexpr int STATUS_OVER_RANGE = 3;

std::vector<ChannelValue> interpret(const FieldValues& f, const DeviceOptions& /*options*/, DeviceState& /*state*/) {
  const double raw = f.get("ch4_raw");
  const auto status = static_cast<int>(f.get("status"));
  ChannelValue ch4{"ch4", "methane", "%CH4", std::nullopt, Quality::bad, DeviceStatus::ok};
  if (status == STATUS_WARMING_UP) {
    ch4.status = DeviceStatus::warming_up;  // "register 0 holds 0: it is not a measurement"
  } else if (status == STATUS_FAULT || raw == RAW_FAULT) {
    ch4.status = DeviceStatus::sensor_fault;
  } else if (status == STATUS_OVER_RANGE) {
    // "Over-range must be treated as at least 4.00 %CH4."
    ch4.quality = Quality::uncertain;
    ch4.status = DeviceStatus::over_range;
    ch4.value = std::max(FULL_SCALE, raw / 100.0);
  } else if (status == STATUS_NORMAL && raw <= RAW_MAX) {
    ch4.quality = Quality::good;
    ch4.value = raw / 100.0;
  } else {
    ch4.status = DeviceStatus::invalid_response;  // a status or value the sheet does not define
  }

  ChannelValue temp{"temperature", "temperature", "degC", f.get("temperature"), Quality::good, DeviceStatus::ok};
  return {ch4, temp};
}

}  // namespace

Profile xj_ch4() {
  return Profile{
      .model = "XJ-CH4",
      .sheet = "datasheets/XJ-CH4.md",
      .fields =
          {
              {"ch4_raw", RegisterKind::input, 0, ValueType::u16, WordOrder::abcd, 1.0, "IR 0 ch4 uint16 x0.01"},
              {"status", RegisterKind::input, 1, ValueType::u16, WordOrder::abcd, 1.0, "IR 1 status"},
              {"temperature", RegisterKind::input, 2, ValueType::i16, WordOrder::abcd, 0.1, "IR 2 int16 x0.1 degC"},
          },
      .max_registers_per_request = 125,
      .recommended_poll_ms = 2000,  // "Recommended poll period: 2 s"
      .channels = {{"ch4", "methane", "%CH4"}, {"temperature", "temperature", "degC"}},
      .interpret = interpret,
  };
}

}  // namespace lookout::firmware::profiles
