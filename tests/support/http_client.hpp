#pragma once
// A plain HTTP/1.1 client for tests (Boost.Beast, synchronous, loopback only).

#include <chrono>
#include <memory>
#include <string>

namespace lookout::test {

struct HttpResult {
  int status = 0;
  std::string body;
};

/// Sends `method target` to 127.0.0.1:port with an optional body and bearer token, from
/// the loopback address `from` (another 127.x.y.z is another client to the server).
HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::string& body = "", const std::string& token = "",
                        const std::string& from = "127.0.0.1");
/// Sends raw bytes and returns the raw answer (for malformed-request tests).
std::string http_raw(int port, const std::string& bytes);

/// A client of a server-sent-events stream: connects, sends the request, and collects
/// what arrives on a thread of its own until destroyed.
class EventStreamClient {
 public:
  EventStreamClient(int port, const std::string& target, const std::string& token);
  ~EventStreamClient();
  EventStreamClient(const EventStreamClient&) = delete;
  EventStreamClient& operator=(const EventStreamClient&) = delete;
  /// Everything received so far (status line and headers included).
  std::string text();
  /// Waits until the text received contains `needle`.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lookout::test
