#pragma once
// A plain HTTP/1.1 client for tests (Boost.Beast, synchronous, loopback only).

#include <string>

namespace lookout::test {

struct HttpResult {
  int status = 0;
  std::string body;
};

/// Sends `method target` to 127.0.0.1:port with an optional raw extra header block.
HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::string& body = "");
/// Sends raw bytes and returns the raw answer (for malformed-request tests).
std::string http_raw(int port, const std::string& bytes);

}  // namespace lookout::test
