#pragma once
// A device profile: one table per model, each row citing its datasheet (style.md 2).
// Adding a device is adding a table, its interpretation and its tests.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
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
  /// [ms since 1970-01-01 UTC] when the device says it measured (XJ-GN1 epoch); unset: the poll time.
  std::optional<std::int64_t> measured_ms{};
};

/// A channel a device has, for readings made without an answer (offline).
struct ChannelSpec {
  std::string channel;
  std::string quantity;
  std::string unit;
};

/// Per-device settings from the site file: numbers from the sensor's calibration sheet and
/// the installation record, and a few words, by key. Keys of a channel's sensor are prefixed
/// with the channel ("ch1.gauge_factor"); the model's `Profile::options` lists the keys.
class DeviceOptions {
 public:
  void set(std::string_view key, double value);
  void set(std::string_view key, std::string value);
  /// The number under `key`; nullopt when absent or a word.
  std::optional<double> number(std::string_view key) const;
  /// The word under `key`; nullopt when absent or a number.
  std::optional<std::string> text(std::string_view key) const;
  bool has(std::string_view key) const;
  const std::vector<std::pair<std::string, std::variant<double, std::string>>>& all() const { return values_; }

 private:
  std::vector<std::pair<std::string, std::variant<double, std::string>>> values_;
};

/// A coil the gateway drives (XJ-AR4 relays), by name, for edge interlocks.
struct OutputCoil {
  std::string_view name;
  std::uint16_t address;
  std::string_view cite;
};

/// A holding register that puts a device in a faster pace while a warning holds (XJ-GN1 mode).
struct FastModeRegister {
  std::uint16_t address;
  std::uint16_t normal;
  std::uint16_t fast;
  std::string_view cite;
};

/// A holding register by which a device watches its master (XJ-AR4 HR 0): the gateway writes
/// the timeout [s] into it, then writes to the device often enough that it never expires.
struct HeartbeatRegister {
  std::uint16_t address;
  std::uint16_t default_timeout_s;  ///< what the gateway sets unless the site file says
  std::string_view cite;
};

enum class OptionType { number, text };

/// One option key a model accepts, for the site-file loader to check and document.
struct OptionSpec {
  std::string_view key;                   ///< e.g. "face_elevation", "ch1.gauge_factor"
  OptionType type = OptionType::number;
  std::string_view unit{};                ///< of a number, e.g. "kPa/digit"; "" when none
  std::string_view meaning{};             ///< one line, for error messages and docs
  bool required = false;                  ///< the device cannot work without it
  std::string_view required_with{};       ///< required when this other key is given ("" none)
  std::vector<std::string_view> choices{};  ///< the words a text option takes (empty: any)
};

/// One thing wrong in a device's options; `key` says which, so the loader can name its line.
struct OptionIssue {
  std::string key;
  std::string message;
};

/// What a profile remembers about one device between polls (a counter's previous value, the
/// last epoch seen), as named numbers so a runtime could keep it across restarts. It starts
/// empty: a profile must cope with no history without inventing any.
class DeviceState {
 public:
  std::optional<double> get(std::string_view name) const;
  void set(std::string_view name, double value);
  void clear() { values_.clear(); }
  const std::vector<std::pair<std::string, double>>& all() const { return values_; }

 private:
  std::vector<std::pair<std::string, double>> values_;
};

/// Turns one poll's fields into channel values: status codes to quality and device status,
/// raw values to engineering units with the device's options, `state` kept across polls.
/// May return no value for a channel when the device has nothing new (XJ-GN1 epoch seen).
using Interpret =
    std::function<std::vector<ChannelValue>(const FieldValues& fields, const DeviceOptions& options, DeviceState& state)>;

struct Profile {
  std::string_view model;
  std::string_view sheet;                 ///< e.g. "datasheets/XJ-CH4.md"
  std::vector<RegisterField> fields;
  int max_registers_per_request = 125;    ///< Modbus limit unless the sheet says less
  int recommended_poll_ms = 2000;
  /// The channels every device of the model has.
  std::vector<ChannelSpec> channels;
  Interpret interpret;
  /// The option keys the model accepts (calibration, installation record). Empty: none.
  std::vector<OptionSpec> options{};
  /// The channels of a device with these options, when they depend on them (XJ-VW4 per
  /// sensor type). Unset: `channels`.
  std::function<std::vector<ChannelSpec>(const DeviceOptions&)> channels_for{};
  /// Rules between option keys that the `options` table cannot say (XJ-VW4: a sensor needs
  /// its gauge factor). Unset: none.
  std::function<std::vector<OptionIssue>(const DeviceOptions&)> check{};
  /// Coils the gateway may drive (edge interlocks). Empty: not an output module.
  std::vector<OutputCoil> outputs{};
  /// How to switch the device to its fast pace. Unset: faster polling only.
  std::optional<FastModeRegister> fast_mode{};
  /// The device's watch on its master. Unset: none.
  std::optional<HeartbeatRegister> heartbeat{};
  /// The names in DeviceState a gateway keeps across its restarts (XJ-GN1: the last epoch
  /// sent, so a solution is sent once). Empty: the state starts empty at every start.
  std::vector<std::string_view> kept_state{};
};

/// The output coil of `profile` named `name`, or nullptr.
const OutputCoil* find_output(const Profile& profile, std::string_view name);

/// The channels a device of `profile` configured with `options` reports.
std::vector<ChannelSpec> device_channels(const Profile& profile, const DeviceOptions& options);

/// Checks `options` against `profile.options`: unknown keys, a number where a word belongs or
/// the reverse, words not among the choices, missing required keys; then `profile.check`.
/// Empty when all is well.
std::vector<OptionIssue> check_options(const Profile& profile, const DeviceOptions& options);

/// The profile of a model named as on its datasheet ("XJ-CH4"), or nullptr.
const Profile* find_profile(std::string_view model);
/// Every supported model name.
std::vector<std::string_view> supported_models();

}  // namespace lookout::firmware
