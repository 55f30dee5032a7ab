#pragma once
// The bus options `lookout scan` and `lookout read` share: which line or address to talk on,
// and how (--tcp HOST:PORT | --rtu PATH [--baud N] [--parity N|E|O] [--stop-bits 1|2],
// --timeout-ms N, --retries N). They fill the gateway's own BusConfig, so the command talks
// exactly as a gateway with that bus in its site file would.

#include <optional>
#include <string>
#include <string_view>

#include "firmware/command_line.hpp"
#include "gateway/site_config.hpp"

namespace CLI {
class App;
}

namespace lookout::cli {

/// A command line the command refuses (exit status 2); the message names the argument.
using UsageError = command_line::UsageError;

/// The bus options as given (nullopt: not given), checked by finish_bus_options().
struct BusArgs {
  std::optional<std::string> tcp;
  std::optional<std::string> rtu;
  std::optional<std::string> baud;
  std::optional<std::string> parity;
  std::optional<std::string> stop_bits;
  std::optional<std::string> timeout_ms;
  std::optional<std::string> retries;

  /// Whether any bus option was given.
  bool any() const;
};

/// Declares the bus options on `command` (CLI11); parsing fills `given`.
void add_bus_options(CLI::App& command, BusArgs& given);

/// The bus the options say, with a command line's defaults (a scan must not wait long on
/// every absent unit) and what follows from them (the frame gap of a serial line, as the
/// site-file loader sets it). Throws UsageError naming the option.
gateway::BusConfig finish_bus_options(const BusArgs& given);

/// "tcp 127.0.0.1:1502" or "rtu /dev/ttyUSB0 9600 8N1", for messages.
std::string describe_bus(const gateway::BusConfig& bus);

/// A decimal integer in [min, max]; throws UsageError naming `what`.
long parse_int_arg(std::string_view what, std::string_view text, long min, long max);

}  // namespace lookout::cli
