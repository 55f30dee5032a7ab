#pragma once
// The control line protocol, without sockets: one request line in, one reply line out.
//
//   set NAME FIELD VALUE   -> "ok" | "error: <why>"; the field is held against a scenario
//   release NAME [FIELD]   -> "ok: N released": the scenario drives the field(s) again
//   get NAME               -> one line of JSON: name, model, unit, state, registers
//   list                   -> {"devices":[...]} with one "get" object per device
//
// Words are separated by spaces or tabs; a trailing '\r' is ignored.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "tools/sim/device.hpp"
#include "tools/sim/device_set.hpp"

namespace lookout::sim {

/// Longest accepted request line, without its newline.
inline constexpr std::size_t CONTROL_MAX_LINE = 1024;

struct SetCommand {
  std::string device;
  std::string field;
  std::string value;
};
struct GetCommand {
  std::string device;
};
struct ReleaseCommand {
  std::string device;
  std::string field;  ///< empty: every held field of the device
};
struct ListCommand {};
struct ControlError {
  std::string message;  ///< without the "error: " prefix
};

using ControlRequest = std::variant<SetCommand, GetCommand, ReleaseCommand, ListCommand, ControlError>;

ControlRequest parse_control_line(std::string_view line);

/// Runs one parsed request against the devices; the reply has no newline.
std::string execute_control(const ControlRequest& request, DeviceSet& devices, Seconds uptime);

/// parse_control_line + execute_control.
std::string handle_control_line(std::string_view line, DeviceSet& devices, Seconds uptime);

}  // namespace lookout::sim
