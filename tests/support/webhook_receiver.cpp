#include "tests/support/webhook_receiver.hpp"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace lookout::test {
namespace {

std::string header_value(const std::string& head, const std::string& name) {
  // Case-insensitive search for "\r\nName:" in the header block.
  std::string lower_head = head;
  std::string lower_name = "\r\n" + name + ":";
  for (auto& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower_head.find(lower_name);
  if (at == std::string::npos) return "";
  auto from = at + lower_name.size();
  while (from < head.size() && head[from] == ' ') ++from;
  const auto end = head.find("\r\n", from);
  return head.substr(from, end - from);
}

}  // namespace

WebhookReceiver::WebhookReceiver(int fail_first) : WebhookReceiver(ReceiverOptions{fail_first, 0, "", ""}) {}

WebhookReceiver::WebhookReceiver(const ReceiverOptions& options) : fail_left_(options.fail_first) {
  if (!options.cert_file.empty()) {
    tls_ = SSL_CTX_new(TLS_server_method());
    if (tls_ == nullptr || SSL_CTX_use_certificate_chain_file(tls_, options.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      SSL_CTX_free(tls_);
      throw std::runtime_error("cannot load " + options.cert_file + " / " + options.key_file);
    }
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only
  addr.sin_port = htons(static_cast<std::uint16_t>(options.port));
  socklen_t len = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 16) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(listen_fd_);
    SSL_CTX_free(tls_);
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(options.port));
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
  SSL_CTX_free(tls_);
}

std::string WebhookReceiver::url(const std::string& path) const {
  return (tls_ != nullptr ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_) + path;
}

std::vector<ReceivedRequest> WebhookReceiver::requests() {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::vector<ReceivedRequest> WebhookReceiver::delivered() {
  std::vector<ReceivedRequest> out;
  for (auto& r : requests()) {
    if (r.answered == 200) out.push_back(r);
  }
  return out;
}

void WebhookReceiver::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
    close(fd);
  }
}

void WebhookReceiver::handle(int fd) {
  // Blocking reads and writes, each bounded, so a silent client cannot hold the thread.
  const timeval bound{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
  std::unique_ptr<SSL, void (*)(SSL*)> tls(nullptr, SSL_free);
  if (tls_ != nullptr) {
    tls.reset(SSL_new(tls_));
    SSL_set_fd(tls.get(), fd);
    if (SSL_accept(tls.get()) != 1) {
      ++failed_handshakes_;
      return;
    }
  }
  const auto receive = [&](char* buf, std::size_t size) -> ssize_t {
    if (tls) return SSL_read(tls.get(), buf, static_cast<int>(size));
    return read(fd, buf, size);
  };
  std::string data;
  char buf[4096];
  std::size_t head_end = std::string::npos;
  std::size_t want = 0;
  for (;;) {
    const ssize_t n = receive(buf, sizeof buf);
    if (n <= 0) return;
    data.append(buf, static_cast<std::size_t>(n));
    if (head_end == std::string::npos) {
      head_end = data.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      const auto length = header_value(data.substr(0, head_end + 2), "Content-Length");
      want = head_end + 4 + (length.empty() ? 0 : std::stoul(length));
    }
    if (data.size() >= want) break;
  }
  ReceivedRequest r;
  const std::string head = data.substr(0, head_end + 2);
  const auto sp1 = head.find(' ');
  const auto sp2 = head.find(' ', sp1 + 1);
  r.method = head.substr(0, sp1);
  r.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
  r.idempotency_key = header_value(head, "Idempotency-Key");
  r.body = data.substr(head_end + 4);
  r.answered = fail_left_.fetch_sub(1) > 0 ? 500 : 200;
  if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(r);
  }
  const std::string answer = r.answered == 200 ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                               : "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n"
                                                 "Connection: close\r\n\r\nfail";
  if (tls) {
    SSL_write(tls.get(), answer.data(), static_cast<int>(answer.size()));
    SSL_shutdown(tls.get());
  } else {
    const ssize_t ignored = write(fd, answer.data(), answer.size());
    (void)ignored;
  }
}

}  // namespace lookout::test
