#pragma once
// The aggregator's MQTT side: two sessions with the broker.
// - The listener (client id `mqtt.client_id`, a persistent session) subscribes to every
//   gateway's up/ topics; the broker queues QoS 1 readings for it while it is away. It
//   publishes nothing.
// - The publisher (`{client_id}-alarms`, a clean session) publishes the retained alarm
//   states, only while connected, and all of them again after each connection.
// Why two: Paho C 1.3.12 resends a persistent session's unacknowledged publications when
// it reconnects, and doing so can read a publication that its other thread has already
// freed (AddressSanitizer caught it in the backfill test). A clean session never resends;
// the retained topics are a copy of the database, so a state lost with a connection is
// replaced when the next one comes up.
// Messages are handed over on Paho's threads; the owner moves them onto its own loop.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "aggregator/config.hpp"
#include "aggregator/mqtt_session.hpp"

namespace lookout::aggregator {

class MqttLink {
 public:
  using MessageHandler = MqttSession::MessageHandler;

  /// `on_publisher_connected` runs on Paho's thread after every connection of the
  /// publisher: the moment to publish every alarm state again.
  MqttLink(const AggregatorConfig& config, MessageHandler on_message, std::function<void()> on_publisher_connected);

  /// Connects each session that is down, with backoff (1 s to 15 s).
  void maintain(std::int64_t monotonic_ms);
  /// QoS 1, retained. False when the publisher is down (the state goes out again when it
  /// is back) or Paho refused it.
  bool publish_retained(const std::string& topic, const std::string& payload);
  void stop();
  bool listener_connected() const { return listener_.connected(); }
  bool publisher_connected() const { return publisher_.connected(); }

 private:
  MqttSession listener_;
  MqttSession publisher_;
};

}  // namespace lookout::aggregator
