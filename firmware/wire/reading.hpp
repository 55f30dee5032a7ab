#pragma once
// One measurement as it travels from a gateway to the aggregator (docs/protocol.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lookout::wire {

/// How far a value can be trusted. Rules act on good and uncertain readings only.
enum class Quality {
  good,       ///< a valid measurement
  uncertain,  ///< a measurement with a caveat (over range: the value is a lower bound; a GNSS float solution)
  bad,        ///< no measurement: value is null
};

/// What the device said about itself, or what the gateway saw of it.
enum class DeviceStatus {
  ok,
  offline,              ///< no answer within the timeout
  warming_up,           ///< sensing element not ready yet
  calibration,          ///< test gas applied: not the air
  inhibited,            ///< outputs inhibited by maintenance
  sensor_fault,         ///< sensing element failed
  loop_fault,           ///< current loop / wiring fault reported by the device
  over_range,           ///< at least full scale
  calibration_expired,  ///< still measuring, maintenance due
  maintenance_due,      ///< still measuring
  invalid_response,     ///< the device answered something its datasheet does not allow
  measuring,            ///< the device is taking a new measurement: the value is its previous one
  weak_signal,          ///< signal too weak to measure (radar weak echo): no new value
  restarted,            ///< the device restarted since the last reading: counts before it are lost
  no_fix,               ///< GNSS solution none or single: not a valid position
  float_solution,       ///< GNSS float solution: a position, uncertain (not fixed)
};

std::string_view to_string(Quality q);
std::string_view to_string(DeviceStatus s);
std::optional<Quality> quality_from_string(std::string_view s);
std::optional<DeviceStatus> device_status_from_string(std::string_view s);

struct Reading {
  std::string point;     ///< "{device}.{channel}", unique within a site
  std::string quantity;  ///< e.g. "methane", "h2s", "o2", "temperature"
  std::optional<double> value;  ///< absent when quality is bad
  std::string unit;      ///< e.g. "%CH4", "ppm", "%LEL", "%VOL", "degC"
  std::int64_t ts_ms = 0;  ///< [ms since 1970-01-01 UTC] when measured
  Quality quality = Quality::bad;
  DeviceStatus status = DeviceStatus::ok;

  /// True when a rule may act on it (good or uncertain, with a value).
  bool is_valid() const { return quality != Quality::bad && value.has_value(); }
  /// True when the value is only a lower bound (over range: "at least full scale"; a counter
  /// restarted: at least what was counted since).
  bool is_lower_bound() const { return status == DeviceStatus::over_range || status == DeviceStatus::restarted; }
};

}  // namespace lookout::wire
