#pragma once
// A real Mosquitto on a random loopback port, for integration tests.

#include <memory>
#include <string>

#include "tests/support/process.hpp"

namespace lookout::test {

class Broker {
 public:
  /// Starts mosquitto on 127.0.0.1 with a fresh port; throws if it does not come up.
  /// `access`: configuration lines in place of "allow_anonymous true" (password_file,
  /// acl_file...); empty: anyone may do anything.
  /// `extra_config`: more mosquitto.conf lines (another listener...).
  explicit Broker(const TempDir& dir, std::string access = "", std::string extra_config = "");
  int port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  void stop() { process_->stop(); }
  /// SIGKILL: what it holds in memory and has not saved is gone (a crash).
  void kill() { process_->kill_hard(); }
  /// Starts again on the same port.
  void restart();
  /// Starts it after stop(), on the same port and with the same store.
  void start();

 private:
  const TempDir& dir_;
  std::string access_;
  std::string extra_config_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace lookout::test
