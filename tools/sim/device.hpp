#pragma once
// A simulated field device: its state, the register words that state puts on the wire,
// and the control fields tests may change. No sockets and no libmodbus here: transports
// (modbus_tcp_server.hpp, modbus_rtu_server.hpp) frame requests and let modbus_pdu.hpp
// answer them from these tables.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lookout::sim {

/// [s] time since the simulator started (the devices' power-on).
using Seconds = std::chrono::duration<double>;

/// Warm-up after power-on; both XJ-CH4 and XJ-GD100 sheets describe one (60 s on the GD100).
struct WarmUp {
  Seconds duration{60.0};  ///< XJ-GD100.md quirks: "for 60 s after power-on"
  bool ended = false;      ///< ended early by a control command
  bool active(Seconds uptime) const { return !ended && uptime < duration; }
};

/// A run of consecutive registers of one table, words[0] at address start.
struct RegisterBlock {
  std::uint16_t start = 0;
  std::vector<std::uint16_t> words;
};

/// A run of consecutive coils, bits[0] (0 or 1) at address start.
struct CoilBlock {
  std::uint16_t start = 0;
  std::vector<std::uint8_t> bits;
};

/// Everything a device answers from. Start addresses and sizes never change for a model.
struct RegisterImage {
  RegisterBlock input;    ///< IR, function 04
  RegisterBlock holding;  ///< HR, function 03 (and 06/16 where the sheet allows writes)
  CoilBlock coils;        ///< CO, function 01 (and 05/15 where the sheet allows writes)
};

/// Most registers one standard read may ask for (Modbus Application Protocol V1.1b3, 6.3).
inline constexpr std::uint16_t STANDARD_MAX_READ_REGISTERS = 125;

/// What a control "set" did: nullopt on success, else the reason it was refused.
using SetError = std::optional<std::string>;

class Device {
 public:
  Device(std::string name, int unit) : name_(std::move(name)), unit_(unit) {}
  virtual ~Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  const std::string& name() const { return name_; }
  int unit() const { return unit_; }

  /// Model name exactly as its datasheet spells it ("XJ-CH4").
  virtual std::string_view model() const = 0;

  /// True for RS-485 RTU models (served on --rtu), false for Modbus TCP models (XJ-GN1).
  virtual bool serial() const { return true; }

  /// Whether the sheet lists this Modbus function code; others get exception 01.
  virtual bool supports_function(int function) const = 0;

  /// Most registers one request may name before the device answers exception 02
  /// (XJ-VW4: 16, XJ-RL80: 8); the standard limit for the others.
  virtual std::uint16_t max_registers_per_request() const { return STANDARD_MAX_READ_REGISTERS; }

  /// The register words at this uptime: a pure function of state and time.
  virtual RegisterImage registers(Seconds uptime) const = 0;

  /// Whether the device takes this value in this holding register; false -> exception 03.
  virtual bool holding_value_ok(std::uint16_t /*address*/, std::uint16_t /*value*/) const {
    return true;
  }

  /// A Modbus master wrote a holding register (the transport already checked map and value).
  virtual void write_holding(std::uint16_t address, std::uint16_t value, Seconds uptime) = 0;

  /// A Modbus master wrote a coil (only models with coils get this).
  virtual void write_coil(std::uint16_t /*address*/, bool /*value*/, Seconds /*uptime*/) {}

  /// Control protocol "set NAME FIELD VALUE": the model's own fields.
  virtual SetError set(std::string_view field, std::string_view value, Seconds uptime) = 0;

  /// The model's settable fields, for error messages and help.
  virtual std::vector<std::string_view> fields() const = 0;

  /// Model-specific state for "get": set values and what the registers currently mean.
  virtual nlohmann::json state_json(Seconds uptime) const = 0;

  /// "set": the fields every device has (connected, garbage, truncated, delay_ms), then the
  /// model's own.
  SetError set_field(std::string_view field, std::string_view value, Seconds uptime);

  /// False while "unplugged": the device answers nothing at all.
  bool connected() const { return connected_; }
  /// True while it answers with a corrupt frame (bad CRC on RTU, junk on TCP).
  bool garbage() const { return garbage_; }
  /// True while it sends only the first half of each reply (a line cut mid-frame).
  bool truncated() const { return truncated_; }
  /// How long it takes to answer [ms]: a slow device, or one slower than the master waits.
  int delay_ms() const { return delay_ms_; }

  /// name, model, unit, connected, garbage, state and raw register words: one "get" answer.
  nlohmann::json to_json(Seconds uptime) const;

 private:
  std::string name_;
  int unit_;
  bool connected_ = true;
  bool garbage_ = false;
  bool truncated_ = false;
  int delay_ms_ = 0;
};

/// The control fields every device has, before its model's own.
inline constexpr std::string_view COMMON_FIELDS[] = {"connected", "garbage", "truncated", "delay_ms"};
/// The longest answer delay a device can be given [ms]: longer than any master's timeout.
inline constexpr int MAX_DELAY_MS = 10'000;

/// "unknown field 'x' for XJ-CH4 (ch4, temperature, ..., connected, garbage)".
std::string unknown_field_error(const Device& device, std::string_view field);

/// Parses a control value "0" or "1"; nullopt otherwise.
std::optional<bool> parse_flag(std::string_view value);

}  // namespace lookout::sim
