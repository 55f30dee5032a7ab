#pragma once
// Small network helpers for the `lookout` command.

#include <string>

namespace lookout::cli {

struct HostPort {
  std::string host;
  std::string port;
};

/// "127.0.0.1:8080" or "[::1]:8080"; throws std::invalid_argument naming the text.
HostPort parse_host_port(const std::string& text);

/// One line out, one line back (lookout-sim's control protocol).
std::string exchange_line(const HostPort& to, const std::string& line);

/// GET a path; returns the HTTP status and fills `body`. A non-empty `token` is sent as
/// a bearer token.
int http_get(const HostPort& to, const std::string& target, std::string& body, const std::string& token = "");

}  // namespace lookout::cli
