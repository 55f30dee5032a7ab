// XJ-RL80 radar water-level gauge, looking down at the water (datasheets/XJ-RL80.md).
//
// Channels (point "{device}.level"):
//   level   water_level   m   water-level elevation = face_elevation - air_gap / 1000
// Options: face_elevation [m] (required): the sensor face's elevation from the installation record.

#include <cmath>

#include "firmware/engineering/radar_level.hpp"
#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware::profiles {
namespace {

using wire::DeviceStatus;
using wire::Quality;

constexpr double MIN_AIR_GAP_MM = 300.0;    // "Range 0.3-80 m" (line 16); blind zone "< 300 mm" (line 12)
constexpr double MAX_AIR_GAP_MM = 80000.0;  // "Range 0.3-80 m" (line 16)

// Status, HR 3 (XJ-RL80.md line 12).
constexpr int STATUS_OK = 0;
constexpr int STATUS_NO_ECHO = 1;     // "air_gap = 0xFFFFFFFF"
constexpr int STATUS_WEAK_ECHO = 2;   // "air_gap is the last good value"
constexpr int STATUS_BLIND_ZONE = 3;  // "< 300 mm"

constexpr std::string_view FACE_ELEVATION = "face_elevation";

std::vector<ChannelValue> interpret(const FieldValues& f, const DeviceOptions& o, DeviceState& /*state*/) {
  const double air_gap = f.get("air_gap");  // [mm]
  const auto status = static_cast<int>(f.get("status"));
  const double face = o.number(FACE_ELEVATION).value_or(0.0);  // [m]; required, checked by check_options
  ChannelValue level{"level", "water_level", "m", std::nullopt, Quality::bad, DeviceStatus::ok};
  switch (status) {
    case STATUS_OK:
      if (air_gap >= MIN_AIR_GAP_MM && air_gap <= MAX_AIR_GAP_MM) {
        level.quality = Quality::good;
        level.value = engineering::water_level_elevation_m(face, air_gap);
      } else {
        level.status = DeviceStatus::invalid_response;  // out of the sheet's range with status ok
      }
      break;
    case STATUS_NO_ECHO: level.status = DeviceStatus::sensor_fault; break;
    case STATUS_WEAK_ECHO: level.status = DeviceStatus::weak_signal; break;  // an old value: not sent
    case STATUS_BLIND_ZONE:
      // The water is within 300 mm of the face: the level is at least face - 0.3 m.
      level.quality = Quality::uncertain;
      level.status = DeviceStatus::over_range;
      level.value = engineering::water_level_elevation_m(face, MIN_AIR_GAP_MM);
      break;
    default: level.status = DeviceStatus::invalid_response; break;  // a code the sheet does not define
  }
  return {level};
}

}  // namespace

Profile xj_rl80() {
  return Profile{
      .model = "XJ-RL80",
      .sheet = "datasheets/XJ-RL80.md",
      .fields =
          {
              {"air_gap", RegisterKind::holding, 0, ValueType::u32, WordOrder::abcd, 1.0, "HR 0-1 air_gap uint32 ABCD mm"},
              {"echo_db", RegisterKind::holding, 2, ValueType::u16, WordOrder::abcd, 1.0, "HR 2 echo_db dB"},
              {"status", RegisterKind::holding, 3, ValueType::u16, WordOrder::abcd, 1.0, "HR 3 status"},
          },
      .max_registers_per_request = 8,  // "more than 8 registers is answered with exception 02" (line 15)
      .recommended_poll_ms = 60000,    // no period on the sheet; practice: a level each minute (rise rate in m/h)
      .channels = {{"level", "water_level", "m"}},
      .interpret = interpret,
      .options = {{FACE_ELEVATION, OptionType::number, "m",
                   "elevation of the sensor face from the installation record", true}},
  };
}

}  // namespace lookout::firmware::profiles
