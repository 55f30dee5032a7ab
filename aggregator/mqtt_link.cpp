#include "aggregator/mqtt_link.hpp"

#include "firmware/wire/topics.hpp"

namespace lookout::aggregator {

std::string publisher_username(const std::string& username) {
  return username.empty() ? std::string() : username + "-alarms";
}

MqttLink::MqttLink(const AggregatorConfig& config, MessageHandler on_message,
                   std::function<void()> on_publisher_connected)
    : listener_(config,
                MqttSessionSpec{.client_id = config.mqtt_client_id,
                                .clean_session = false,
                                .filter = std::string(wire::TOPIC_ROOT) + "/+/+/+/up/#",
                                .username = config.mqtt_username},
                std::move(on_message), nullptr),
      publisher_(config,
                 MqttSessionSpec{.client_id = config.mqtt_client_id + "-alarms",
                                 .clean_session = true,
                                 .filter = {},
                                 .username = publisher_username(config.mqtt_username)},
                 nullptr, std::move(on_publisher_connected)) {}

void MqttLink::maintain(std::int64_t monotonic_ms) {
  listener_.maintain(monotonic_ms);
  publisher_.maintain(monotonic_ms);
}

bool MqttLink::publish_retained(const std::string& topic, const std::string& payload) {
  if (!publisher_.connected()) return false;
  return publisher_.publish(topic, payload, true);
}

bool MqttLink::publish(const std::string& topic, const std::string& payload) {
  if (!publisher_.connected()) return false;
  return publisher_.publish(topic, payload, false);
}

void MqttLink::stop() {
  publisher_.stop();
  listener_.stop();
}

}  // namespace lookout::aggregator
