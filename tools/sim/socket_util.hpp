#pragma once
// Small POSIX socket helpers shared by the Modbus and control servers.

#include <cstdint>
#include <utility>

#include "tools/sim/endpoint.hpp"

namespace lookout::sim {

/// Owns a file descriptor; closes it once.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

/// Makes fd non-blocking and close-on-exec; throws std::system_error on failure.
void make_nonblocking(int fd);

/// The port a bound socket got (useful after binding port 0).
std::uint16_t local_port(int fd);

/// A non-blocking listening TCP socket on the endpoint; throws std::system_error.
UniqueFd listen_tcp(const Endpoint& endpoint, int backlog);

/// Accepts one pending connection as a non-blocking socket, or returns an empty UniqueFd.
UniqueFd accept_nonblocking(int listen_fd);

}  // namespace lookout::sim
