#pragma once
// Network addresses as a configuration writes them, checked before anything connects:
// "host:port" (a Modbus TCP device, the HTTP listener) and MQTT broker URIs. A host is an
// IPv4 address (four numbers 0-255), an IPv6 address in brackets ("[::1]:502"), or, where
// names are allowed, a DNS name. Each problem is told in words a config error can carry.

#include <optional>
#include <string>
#include <string_view>

namespace lookout::config {

struct HostPort {
  std::string host;  ///< without brackets
  int port = 0;
};

struct HostPortRules {
  int min_port = 1;         ///< 0 where "any free port" makes sense (a listener)
  bool names = true;        ///< a DNS name may stand for the host
  bool port_needed = true;  ///< false: a missing port is `default_port`
  int default_port = 0;
};

struct ParsedHostPort {
  std::optional<HostPort> value;
  std::string problem;  ///< why not, when !value
};

ParsedHostPort parse_host_port(std::string_view text, HostPortRules rules = {});

/// Empty when `uri` is a broker address Paho connects to: tcp://, mqtt://, ssl:// or
/// mqtts:// (and ws://, wss:// where `websockets`), then host[:port]; else why not.
std::string mqtt_uri_problem(std::string_view uri, bool websockets = false);

}  // namespace lookout::config
