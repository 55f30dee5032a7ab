#pragma once
// The aggregator's MQTT side: two sessions with the broker.
// - The listener (client id `mqtt.client_id`, a persistent session) subscribes to every
//   gateway's up/ topics; the broker queues QoS 1 readings for it while it is away. It
//   publishes nothing.
// - The publisher (`{client_id}-alarms`, a clean session) publishes the retained alarm
//   states, only while connected, and all of them again after each connection; and the
//   acknowledgements to gateways (down/ack), after the batches they name are on disk.
// Why two: Paho C 1.3.12 resends a persistent session's unacknowledged publications when
// it reconnects, and doing so can read a publication that its other thread has already
// freed (AddressSanitizer caught it in the backfill test). A clean session never resends;
// the retained topics are a copy of the database, so a state lost with a connection is
// replaced when the next one comes up.
// With a username, the listener logs in as `mqtt.username` and the publisher as
// `{username}-alarms` (the same password): a broker that binds client ids to users
// (use_username_as_clientid, docs/operations.md) then keeps them apart, and the publisher's
// clean session never wipes the listener's persistent one. `lookout provision --aggregator`
// writes both users.
// Messages are handed over on Paho's threads; the owner moves them onto its own loop.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "aggregator/config.hpp"
#include "aggregator/mqtt_session.hpp"

namespace lookout::aggregator {

/// The publisher's broker user for the listener's `username`: `{username}-alarms`, so that a
/// broker binding client ids to users gives the two sessions two ids; "" for "" (no login).
std::string publisher_username(const std::string& username);

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
  /// QoS 1, not retained (a gateway's down/ack). False when the publisher is down or Paho
  /// refused it: the gateway, hearing nothing, sends its batches again.
  bool publish(const std::string& topic, const std::string& payload);
  void stop();
  bool listener_connected() const { return listener_.connected(); }
  bool publisher_connected() const { return publisher_.connected(); }

 private:
  MqttSession listener_;
  MqttSession publisher_;
};

}  // namespace lookout::aggregator
