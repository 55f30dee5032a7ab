#include "firmware/config/endpoint.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace lookout::config {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Dotted numbers only: an IPv4 address, or something meant to be one.
bool looks_numeric(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

bool is_ipv4(const std::string& host) {
  std::array<unsigned char, 4> out{};
  return inet_pton(AF_INET, host.c_str(), out.data()) == 1;
}

bool is_ipv6(const std::string& host) {
  std::array<unsigned char, 16> out{};
  return inet_pton(AF_INET6, host.c_str(), out.data()) == 1;
}

/// RFC 1123: labels of letters, digits and '-', 1-63 each, not starting or ending with '-'.
bool is_dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    const auto dot = host.find('.', start);
    const auto label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (const char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

}  // namespace

ParsedHostPort parse_host_port(std::string_view text, HostPortRules rules) {
  ParsedHostPort r;
  std::string host;
  std::string_view port_text;
  bool has_port = false;
  if (text.starts_with("[")) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      r.problem = "an IPv6 address needs its closing ] (e.g. [::1]:502)";
      return r;
    }
    host = std::string(text.substr(1, close - 1));
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(":")) {
        r.problem = "after the ] of an IPv6 address comes :port";
        return r;
      }
      port_text = rest.substr(1);
      has_port = true;
    }
    if (!is_ipv6(host)) {
      r.problem = "\"" + host + "\" is not an IPv6 address";
      return r;
    }
  } else {
    const auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) {
      r.problem = "an IPv6 address goes in brackets, e.g. [::1]:502";
      return r;
    }
    host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = text.substr(colon + 1);
      has_port = true;
    }
    if (host.empty()) {
      r.problem = "no host before the port";
      return r;
    }
    if (looks_numeric(host)) {
      if (!is_ipv4(host)) {
        r.problem = "\"" + host + "\" is not an IPv4 address (four numbers 0-255)";
        return r;
      }
    } else if (!rules.names) {
      r.problem = "\"" + host + "\" is not an IP address";
      return r;
    } else if (!is_dns_name(host)) {
      r.problem = "\"" + host + "\" is neither an IP address nor a host name";
      return r;
    }
  }
  int port = rules.default_port;
  if (has_port) {
    if (!all_digits(port_text) || port_text.size() > 6) {
      r.problem = "the port \"" + std::string(port_text) + "\" is not a number";
      return r;
    }
    std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port > 65535) {
      r.problem = "port " + std::to_string(port) + " is above 65535";
      return r;
    }
    if (port < rules.min_port) {
      r.problem = "port " + std::to_string(port) + " is below " + std::to_string(rules.min_port);
      return r;
    }
  } else if (rules.port_needed) {
    r.problem = "no port (host:port)";
    return r;
  }
  r.value = HostPort{host, port};
  return r;
}

std::string mqtt_uri_problem(std::string_view uri, bool websockets) {
  const auto sep = uri.find("://");
  if (sep == std::string_view::npos) {
    return "no scheme: it should look like tcp://host:1883 or ssl://host:8883";
  }
  const auto scheme = uri.substr(0, sep);
  const bool known = scheme == "tcp" || scheme == "mqtt" || scheme == "ssl" || scheme == "mqtts" ||
                     (websockets && (scheme == "ws" || scheme == "wss"));
  if (!known) {
    return "unknown scheme \"" + std::string(scheme) + "\": tcp://, mqtt://, ssl:// or mqtts://";
  }
  auto rest = uri.substr(sep + 3);
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    if (!websockets || (scheme != "ws" && scheme != "wss")) return "a broker address has no path";
    rest = rest.substr(0, slash);
  }
  const bool tls = scheme == "ssl" || scheme == "mqtts" || scheme == "wss";
  const auto hp = parse_host_port(rest, {.min_port = 1, .names = true, .port_needed = false,
                                         .default_port = tls ? 8883 : 1883});
  return hp.value ? "" : hp.problem;
}

}  // namespace lookout::config
