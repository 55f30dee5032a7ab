#pragma once
// Keeps the watchdogs fed while the gateway is healthy: systemd's (sd_notify protocol on
// $NOTIFY_SOCKET: READY=1, WATCHDOG=1, STOPPING=1) and the board's hardware watchdog
// device, closed with the magic 'V' on a clean stop so it does not reset the board.

#include <string>

namespace lookout::gateway {

class Watchdog {
 public:
  /// `device`: the board's watchdog ("" for none); throws naming it when it cannot open.
  Watchdog(const std::string& device, int timeout_s);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void ready();
  /// Call only when every part of the gateway has shown it is alive.
  void kick();
  void stopping();

 private:
  void notify(const std::string& state);
  int device_fd_ = -1;
  std::string notify_socket_;
};

}  // namespace lookout::gateway
