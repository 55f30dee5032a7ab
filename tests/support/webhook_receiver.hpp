#pragma once
// A webhook receiver for tests: a plain-socket HTTP/1.1 server on 127.0.0.1 with a random
// (or a given) port, on a thread of its own, optionally over TLS (OpenSSL) with a given
// certificate. It records every request and answers 500 to the first `fail_first` of them,
// 200 after that.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct ssl_ctx_st;

namespace lookout::test {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string idempotency_key;
  std::string body;
  int answered = 0;  ///< the status we answered
};

struct ReceiverOptions {
  int fail_first = 0;
  int port = 0;           ///< 0: any free one
  std::string cert_file;  ///< PEM; with key_file: https
  std::string key_file;
};

class WebhookReceiver {
 public:
  explicit WebhookReceiver(int fail_first = 0);
  explicit WebhookReceiver(const ReceiverOptions& options);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;
  std::vector<ReceivedRequest> requests();
  /// Requests answered 200 (delivered).
  std::vector<ReceivedRequest> delivered();
  /// TLS connections whose handshake failed (e.g. the client refused our certificate).
  int failed_handshakes() const { return failed_handshakes_; }
  /// Holds each answer this long (a slow receiver).
  void set_delay(std::chrono::milliseconds d) { delay_ms_ = static_cast<int>(d.count()); }

 private:
  void serve();
  void handle(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  ssl_ctx_st* tls_ = nullptr;
  std::atomic<int> failed_handshakes_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> fail_left_;
  std::atomic<int> delay_ms_{0};
  std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace lookout::test
