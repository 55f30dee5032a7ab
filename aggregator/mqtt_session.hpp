#pragma once
// One connection of the aggregator to the broker, on one Paho async client: connects and
// reconnects with backoff (1 s to 15 s), subscribes after each connection if it has a
// filter, and tells its owner. Messages and "connected" arrive on Paho's threads.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "aggregator/config.hpp"

namespace mqtt {
class async_client;
}

namespace lookout::aggregator {

struct MqttSessionSpec {
  std::string client_id;
  /// false: the broker keeps the session and queues QoS 1 messages while we are away.
  bool clean_session = true;
  /// Subscribed with QoS 1 after every connection; empty: none.
  std::string filter;
  /// The broker user of this session (with the configuration's password); empty: none.
  /// One user per session: a broker with use_username_as_clientid makes it the client id.
  std::string username;
};

class MqttSession {
 public:
  using MessageHandler = std::function<void(std::string topic, std::string payload)>;

  MqttSession(const AggregatorConfig& config, MqttSessionSpec spec, MessageHandler on_message,
              std::function<void()> on_connected);
  ~MqttSession();
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;

  /// Connects if not connected and no attempt is under way, with backoff.
  void maintain(std::int64_t monotonic_ms);
  bool connected() const;
  /// QoS 1; false (and logged) when Paho refuses it.
  bool publish(const std::string& topic, const std::string& payload, bool retained);
  void stop();

 private:
  class Callback;
  class ConnectListener;

  const AggregatorConfig& config_;
  MqttSessionSpec spec_;
  MessageHandler on_message_;
  std::function<void()> on_connected_;
  std::unique_ptr<Callback> callback_;
  std::unique_ptr<ConnectListener> listener_;
  // After the callback and the listener, so it goes first: a connect still in flight when
  // it is destroyed may call them, and they must still exist then.
  std::unique_ptr<mqtt::async_client> client_;
  std::atomic<bool> connecting_{false};
  std::atomic<bool> stopped_{false};
  std::int64_t next_attempt_ms_ = 0;
  std::int64_t backoff_ms_ = 1000;
};

}  // namespace lookout::aggregator
