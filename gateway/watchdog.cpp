#include "gateway/watchdog.hpp"

#include <fcntl.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "firmware/log.hpp"

namespace lookout::gateway {

Watchdog::Watchdog(const std::string& device, int timeout_s) {
  if (const char* s = std::getenv("NOTIFY_SOCKET")) notify_socket_ = s;
  if (device.empty()) return;
  device_fd_ = ::open(device.c_str(), O_WRONLY | O_CLOEXEC);
  if (device_fd_ < 0) throw std::runtime_error("watchdog " + device + ": " + std::strerror(errno));
  int t = timeout_s;
  if (::ioctl(device_fd_, WDIOC_SETTIMEOUT, &t) != 0) {
    log::warn("watchdog", device + ": cannot set the timeout to " + std::to_string(timeout_s) + " s; using the default");
  }
}

Watchdog::~Watchdog() {
  if (device_fd_ >= 0) {
    // The magic close: a clean stop disarms the watchdog instead of resetting the board.
    [[maybe_unused]] const auto n = ::write(device_fd_, "V", 1);
    ::close(device_fd_);
  }
}

void Watchdog::notify(const std::string& state) {
  if (notify_socket_.empty()) return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (notify_socket_.size() >= sizeof addr.sun_path) return;
  std::memcpy(addr.sun_path, notify_socket_.data(), notify_socket_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + notify_socket_.size());
  [[maybe_unused]] const auto n =
      ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
  ::close(fd);
}

void Watchdog::ready() { notify("READY=1"); }

void Watchdog::kick() {
  notify("WATCHDOG=1");
  if (device_fd_ >= 0) {
    int dummy = 0;
    ::ioctl(device_fd_, WDIOC_KEEPALIVE, &dummy);
  }
}

void Watchdog::stopping() { notify("STOPPING=1"); }

}  // namespace lookout::gateway
