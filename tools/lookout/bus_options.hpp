#pragma once
// The bus options `lookout scan` and `lookout read` share: which line or address to talk on,
// and how (--tcp HOST:PORT | --rtu PATH [--baud N] [--parity N|E|O] [--stop-bits 1|2],
// --timeout-ms N, --retries N). They fill the gateway's own BusConfig, so the command talks
// exactly as a gateway with that bus in its site file would.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gateway/site_config.hpp"
#include "tools/lookout/commands.hpp"

namespace lookout::cli {

/// A command line the command refuses (exit status 2); the message names the argument.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bus options as given so far.
struct BusOptions {
  gateway::BusConfig bus;
  bool transport_given = false;  ///< --tcp or --rtu seen
  bool any_given = false;        ///< any bus option seen
};

/// Defaults for a command-line bus: a scan must not wait long on every absent unit.
BusOptions default_bus_options();

/// If args[i] is a bus option, consumes it and its value (advancing i) and returns true;
/// false when args[i] is something else. Throws UsageError on a bad value.
bool take_bus_option(const Args& args, std::size_t& i, BusOptions& options);

/// Checks that a transport was given and sets what follows from the rest (the frame gap
/// of a serial line, as the site-file loader does). Throws UsageError.
gateway::BusConfig finish_bus_options(BusOptions options);

/// "tcp 127.0.0.1:1502" or "rtu /dev/ttyUSB0 9600 8N1", for messages.
std::string describe_bus(const gateway::BusConfig& bus);

/// A decimal integer in [min, max]; throws UsageError naming `what`.
long parse_int_arg(std::string_view what, std::string_view text, long min, long max);

}  // namespace lookout::cli
