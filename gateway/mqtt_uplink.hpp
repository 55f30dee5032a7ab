#pragma once
// The gateway's uplink on Paho C++: QoS 1, automatic reconnect, last will, retained
// status. Narrow on purpose (style.md 5): publish and a connected flag.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gateway/site_config.hpp"

namespace mqtt {
class async_client;
class delivery_token;
}

namespace lookout::gateway {

class MqttUplink {
 public:
  /// `will_payload` is published retained on `will_topic` by the broker if we vanish.
  /// `on_connected` runs (on Paho's thread) after every (re)connection.
  using MessageHandler = std::function<void(std::string topic, std::string payload)>;

  /// `subscription`: a topic filter to subscribe to after every connection (our down/#);
  /// its messages go to `on_message` on Paho's thread.
  MqttUplink(const MqttSettings& settings, const std::string& client_id, const std::string& will_topic,
             const std::string& will_payload, std::function<void()> on_connected,
             std::string subscription = "", MessageHandler on_message = nullptr);
  ~MqttUplink();
  MqttUplink(const MqttUplink&) = delete;
  MqttUplink& operator=(const MqttUplink&) = delete;

  /// Connects if not connected and no attempt is under way, with backoff between attempts
  /// (1 s doubling to 15 s). Call it often; it returns at once.
  void maintain(std::int64_t monotonic_ms);
  /// Queues a message; false (and a log line) when the client refuses it.
  bool publish(const std::string& topic, const std::string& payload, bool retained);

  /// A message whose acknowledgement the caller waits for.
  using Ticket = std::shared_ptr<mqtt::delivery_token>;
  /// Queues a QoS 1 message; nullptr when the client refuses it.
  Ticket send(const std::string& topic, const std::string& payload);
  /// True once the broker has acknowledged it (PUBACK).
  static bool delivered(const Ticket& t);
  /// True when it can no longer be delivered (error, or the connection was lost since).
  static bool failed(const Ticket& t);

  bool connected() const;
  /// Counts successful connections: a change means a reconnection happened.
  std::uint64_t connections() const { return connections_; }
  /// Publishes `payload` retained on `topic`, then disconnects cleanly (no last will).
  void stop(const std::string& topic, const std::string& payload);

 private:
  class Callback;
  class ConnectListener;
  MqttSettings settings_;
  std::string will_topic_;
  std::string will_payload_;
  std::function<void()> on_connected_;
  std::string subscription_;
  MessageHandler on_message_;
  std::unique_ptr<Callback> callback_;
  std::unique_ptr<ConnectListener> connect_listener_;
  // Last, so it goes first: a connect still in flight when it is destroyed may call the
  // listener and the callback, which must still exist then.
  std::unique_ptr<mqtt::async_client> client_;
  std::atomic<bool> connecting_{false};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<bool> stopped_{false};
  std::int64_t next_attempt_ms_ = 0;
  std::int64_t backoff_ms_ = 1000;
};

}  // namespace lookout::gateway
