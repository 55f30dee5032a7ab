#include "tests/support/broker.hpp"

#include <pwd.h>
#include <unistd.h>

#include <stdexcept>

namespace lookout::test {
namespace {

std::string user_name() {
  const passwd* pw = getpwuid(getuid());
  return pw != nullptr ? pw->pw_name : "root";
}

}  // namespace

Broker::Broker(const TempDir& dir, std::string access, std::string extra_config)
    : dir_(dir), access_(std::move(access)), extra_config_(std::move(extra_config)) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      // the port was taken between the check and the start: try another
    }
  }
  throw std::runtime_error("mosquitto did not start; see " + (dir_ / "mosquitto.log").string());
}

void Broker::start() {
  const auto conf = dir_ / "mosquitto.conf";
  write_file(conf, "listener " + std::to_string(port_) +
                       " 127.0.0.1\n" +
                       (access_.empty() ? std::string("allow_anonymous true\n") : access_) +
                       // Sessions survive a broker restart: QoS 1 messages for a
                       // subscriber that has not reconnected yet are kept, not dropped.
                       "persistence true\n"
                       "persistence_location " +
                       dir_.path().string() + "/\n"
                       "autosave_interval 1\n"
                       // Started as root, mosquitto would drop to user mosquitto, who cannot
                       // write our temporary directory (debian-notes.md): stay who we are.
                       "user " +
                       user_name() + "\n"
                       "max_queued_messages 0\n"
                       "max_inflight_messages 0\n" +
                       extra_config_);
  process_ = std::make_unique<Process>(std::vector<std::string>{"mosquitto", "-c", conf.string()},
                                       dir_ / "mosquitto.log");
  if (!wait_for_port(port_, std::chrono::seconds(5))) {
    process_->stop();
    throw std::runtime_error("mosquitto did not listen on port " + std::to_string(port_));
  }
}

void Broker::restart() {
  process_->stop();
  start();
}

}  // namespace lookout::test
