#pragma once
// The aggregator's MQTT side on Paho C++: subscribes to every gateway's up/ topics and
// publishes retained alarm states. Messages are handed over on Paho's thread; the owner
// moves them onto its own loop.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "aggregator/config.hpp"

namespace mqtt {
class async_client;
}

namespace lookout::aggregator {

class MqttLink {
 public:
  using MessageHandler = std::function<void(std::string topic, std::string payload)>;

  MqttLink(const AggregatorConfig& config, MessageHandler on_message, std::function<void()> on_connected);
  ~MqttLink();
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  /// Connects if not connected and no attempt is under way, with backoff (1 s to 15 s).
  void maintain(std::int64_t monotonic_ms);
  bool publish_retained(const std::string& topic, const std::string& payload);
  void stop();

 private:
  class Callback;
  class ConnectListener;

  const AggregatorConfig& config_;
  MessageHandler on_message_;
  std::function<void()> on_connected_;
  std::unique_ptr<Callback> callback_;
  std::unique_ptr<ConnectListener> listener_;
  // Last, so it goes first: a connect still in flight when it is destroyed may call the
  // listener and the callback, which must still exist then.
  std::unique_ptr<mqtt::async_client> client_;
  std::atomic<bool> connecting_{false};
  std::atomic<bool> stopped_{false};
  std::int64_t next_attempt_ms_ = 0;
  std::int64_t backoff_ms_ = 1000;
};

}  // namespace lookout::aggregator
