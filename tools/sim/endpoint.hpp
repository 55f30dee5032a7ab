#pragma once
// Loopback listen addresses: "127.0.0.1:PORT", "[::1]:PORT", "localhost:PORT".
// The simulator never listens beyond the machine.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lookout::sim {

struct Endpoint {
  std::string host;         ///< numeric: "127.0.0.1" or "::1"
  std::uint16_t port = 0;   ///< 0 = let the kernel pick
  bool ipv6 = false;

  /// "127.0.0.1:502" or "[::1]:502", with the given port.
  std::string to_string(std::uint16_t actual_port) const;
};

/// Parses HOST:PORT; throws std::invalid_argument with the reason (not loopback, bad port).
Endpoint parse_loopback_endpoint(std::string_view text);

}  // namespace lookout::sim
