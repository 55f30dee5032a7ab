#pragma once
// A device profile: one table per model, each row citing its datasheet (style.md 2).
// Adding a device is adding a table, its interpretation and its tests.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "firmware/registers.hpp"
#include "firmware/wire/reading.hpp"

namespace lookout::firmware {

/// One value on the device: where it is and how it is encoded.
struct RegisterField {
  std::string_view name;
  RegisterKind kind;
  std::uint16_t address;  ///< zero-based protocol address
  ValueType type;
  WordOrder order;        ///< only meaningful for 32-bit types
  double scale;           ///< engineering value = raw * scale
  std::string_view cite;  ///< the datasheet row behind it
};

/// The decoded fields of one poll, by name (raw * scale; floats as sent, NaN included).
class FieldValues {
 public:
  void set(std::string_view name, double value);
  /// The value of a field the profile declares; throws std::out_of_range otherwise.
  double get(std::string_view name) const;
  bool has(std::string_view name) const;
  const std::vector<std::pair<std::string, double>>& all() const { return values_; }

 private:
  std::vector<std::pair<std::string, double>> values_;
};

/// What one channel of the device measured, before it gets a point id and a timestamp.
struct ChannelValue {
  std::string channel;
  std::string quantity;
  std::string unit;
  std::optional<double> value;
  wire::Quality quality = wire::Quality::bad;
  wire::DeviceStatus status = wire::DeviceStatus::ok;
};

/// A channel the model always has, for readings made without an answer (offline).
struct ChannelSpec {
  std::string_view channel;
  std::string_view quantity;
  std::string_view unit;
};

struct Profile {
  std::string_view model;
  std::string_view sheet;                 ///< e.g. "datasheets/XJ-CH4.md"
  std::vector<RegisterField> fields;
  int max_registers_per_request = 125;    ///< Modbus limit unless the sheet says less
  int recommended_poll_ms = 2000;
  std::vector<ChannelSpec> channels;
  /// Turns one poll's fields into channel values: status codes to quality and device status.
  std::function<std::vector<ChannelValue>(const FieldValues&)> interpret;
};

/// The profile of a model named as on its datasheet ("XJ-CH4"), or nullptr.
const Profile* find_profile(std::string_view model);
/// Every supported model name.
std::vector<std::string_view> supported_models();

}  // namespace lookout::firmware
