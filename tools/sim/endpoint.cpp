#include "tools/sim/endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <stdexcept>

#include "tools/sim/text.hpp"

namespace lookout::sim {

std::string Endpoint::to_string(std::uint16_t actual_port) const {
  const auto port_text = std::to_string(actual_port);
  return ipv6 ? "[" + host + "]:" + port_text : host + ":" + port_text;
}

Endpoint parse_loopback_endpoint(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) {
      throw std::invalid_argument(quoted + ": expected [IPV6]:PORT");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) throw std::invalid_argument(quoted + ": expected HOST:PORT");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      throw std::invalid_argument(quoted + ": write IPv6 addresses as [::1]:PORT");
    }
  }
  const auto port_number = parse_unsigned(port, 65535);
  if (!port_number) throw std::invalid_argument(quoted + ": bad port '" + std::string(port) + "'");

  Endpoint endpoint;
  endpoint.port = static_cast<std::uint16_t>(*port_number);
  const std::string host_text(host);
  in_addr v4{};
  in6_addr v6{};
  if (host_text == "localhost") {
    endpoint.host = "127.0.0.1";
  } else if (inet_pton(AF_INET, host_text.c_str(), &v4) == 1) {
    // 127.0.0.0/8 is loopback (RFC 1122 3.2.1.3)
    if ((ntohl(v4.s_addr) >> 24) != 127) {
      throw std::invalid_argument(quoted + ": not a loopback address (127.0.0.0/8 or ::1); "
                                  "the simulator only listens on this machine");
    }
    char buf[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &v4, buf, sizeof buf);
    endpoint.host = buf;
  } else if (inet_pton(AF_INET6, host_text.c_str(), &v6) == 1) {
    if (std::memcmp(&v6, &in6addr_loopback, sizeof v6) != 0) {
      throw std::invalid_argument(quoted + ": not a loopback address (127.0.0.0/8 or ::1); "
                                  "the simulator only listens on this machine");
    }
    endpoint.host = "::1";
    endpoint.ipv6 = true;
  } else {
    throw std::invalid_argument(quoted + ": host must be a loopback IP address (127.0.0.0/8 or ::1)");
  }
  return endpoint;
}

}  // namespace lookout::sim
