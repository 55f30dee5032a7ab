#pragma once
// A simulated field device: its state, the register words that state puts on the wire,
// and the control fields tests may change. No sockets and no libmodbus here: transports
// (modbus_tcp_server.hpp, later RTU) copy the words into their own tables.

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

/// Everything a device answers from. Start addresses and sizes never change for a model.
struct RegisterImage {
  RegisterBlock input;    ///< IR, function 04
  RegisterBlock holding;  ///< HR, function 03 (and 06/16 where the sheet allows writes)
};

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

  /// Whether the sheet lists this Modbus function code; others get exception 01.
  virtual bool supports_function(int function) const = 0;

  /// The register words at this uptime: a pure function of state and time.
  virtual RegisterImage registers(Seconds uptime) const = 0;

  /// A Modbus master wrote a holding register (the transport already checked the map).
  virtual void write_holding(std::uint16_t address, std::uint16_t value) = 0;

  /// Control protocol "set NAME FIELD VALUE".
  virtual SetError set(std::string_view field, std::string_view value, Seconds uptime) = 0;

  /// The settable fields, for error messages and help.
  virtual std::vector<std::string_view> fields() const = 0;

  /// Model-specific state for "get": set values and what the registers currently mean.
  virtual nlohmann::json state_json(Seconds uptime) const = 0;

  /// name, model, unit, state and raw register words: one "get" answer.
  nlohmann::json to_json(Seconds uptime) const;

 private:
  std::string name_;
  int unit_;
};

/// "unknown field 'x' for XJ-CH4 (ch4, temperature, ...)".
std::string unknown_field_error(const Device& device, std::string_view field);

}  // namespace lookout::sim
