#include "gateway/mqtt_uplink.hpp"

#include <mqtt/async_client.h>

#include "firmware/log.hpp"

namespace lookout::gateway {

namespace {
constexpr std::int64_t MAX_BACKOFF_MS = 15000;
constexpr int MAX_BUFFERED = 10000;  // Paho's default of 100 refuses bursts (debian-notes.md)
/// A connect failure in words an engineer can act on (MQTT 3.1.1 CONNACK codes, Paho's -1).
std::string why_not_connected(int code, bool tls) {
  switch (code) {
    case 1: return "the broker does not speak MQTT 3.1.1 (code 1)";
    case 2: return "the broker refused the client id (code 2)";
    case 3: return "the broker is unavailable (code 3)";
    case 4: return "bad user name or password (code 4)";
    case 5: return "not authorized: check username and password (code 5)";
    default: break;
  }
  if (tls) {
    return "no TLS connection: broker down, or its certificate not signed by ca_file or not for this host (code " +
           std::to_string(code) + ")";
  }
  return "broker unreachable (code " + std::to_string(code) + ")";
}

}  // namespace

class MqttUplink::Callback final : public mqtt::callback {
 public:
  explicit Callback(MqttUplink& owner) : owner_(owner) {}
  void connected(const std::string&) override {
    owner_.connecting_ = false;
    owner_.backoff_ms_ = 1000;
    ++owner_.connections_;
    log::info("uplink", "connected to " + owner_.settings_.uri);
    if (!owner_.subscription_.empty()) {
      try {
        owner_.client_->subscribe(owner_.subscription_, 1);
      } catch (const mqtt::exception& e) {
        log::error("uplink", "subscribe to " + owner_.subscription_ + " failed: " + e.what());
      }
    }
    if (owner_.on_connected_) owner_.on_connected_();
  }
  void message_arrived(mqtt::const_message_ptr msg) override {
    if (owner_.on_message_) owner_.on_message_(msg->get_topic(), msg->get_payload_str());
  }
  void connection_lost(const std::string& cause) override {
    owner_.connecting_ = false;
    if (!owner_.stopped_) log::warn("uplink", "connection to " + owner_.settings_.uri + " lost: " + cause);
  }

 private:
  MqttUplink& owner_;
};

class MqttUplink::ConnectListener final : public mqtt::iaction_listener {
 public:
  explicit ConnectListener(MqttUplink& owner) : owner_(owner) {}
  void on_failure(const mqtt::token& tok) override {
    owner_.connecting_ = false;
    const bool tls = owner_.settings_.uri.starts_with("ssl://") || owner_.settings_.uri.starts_with("mqtts://");
    log::warn("uplink", "cannot connect to " + owner_.settings_.uri + ": " + why_not_connected(tok.get_return_code(), tls) +
                            "; retrying");
  }
  void on_success(const mqtt::token&) override {}

 private:
  MqttUplink& owner_;
};

MqttUplink::MqttUplink(const MqttSettings& settings, const std::string& client_id, const std::string& will_topic,
                       const std::string& will_payload, std::function<void()> on_connected,
                       std::string subscription, MessageHandler on_message)
    : settings_(settings),
      will_topic_(will_topic),
      will_payload_(will_payload),
      on_connected_(std::move(on_connected)),
      subscription_(std::move(subscription)),
      on_message_(std::move(on_message)) {
  client_ = std::make_unique<mqtt::async_client>(settings_.uri, client_id,
                                                 mqtt::create_options(MQTTVERSION_3_1_1, MAX_BUFFERED));
  callback_ = std::make_unique<Callback>(*this);
  connect_listener_ = std::make_unique<ConnectListener>(*this);
  client_->set_callback(*callback_);
}

MqttUplink::~MqttUplink() {
  stopped_ = true;
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
}

void MqttUplink::maintain(std::int64_t monotonic_ms) {
  if (stopped_ || connecting_ || client_->is_connected() || monotonic_ms < next_attempt_ms_) return;
  connecting_ = true;
  next_attempt_ms_ = monotonic_ms + backoff_ms_;
  backoff_ms_ = std::min(backoff_ms_ * 2, MAX_BACKOFF_MS);
  auto builder = mqtt::connect_options_builder()
                     .keep_alive_interval(std::chrono::seconds(settings_.keepalive_s))
                     .clean_session(true)  // the outbox, not the session, carries what is unacknowledged
                     .connect_timeout(std::chrono::seconds(5))
                     .will(mqtt::message(will_topic_, will_payload_, settings_.qos, true));
  if (!settings_.username.empty()) builder.user_name(settings_.username).password(settings_.password);
  if (settings_.uri.starts_with("ssl://") || settings_.uri.starts_with("mqtts://")) {
    // The broker's certificate is checked against the CA and its name against the host.
    auto ssl = mqtt::ssl_options_builder();
    ssl.enable_server_cert_auth(true).verify(true);
    if (!settings_.ca_file.empty()) ssl.trust_store(settings_.ca_file);
    if (!settings_.cert_file.empty()) ssl.key_store(settings_.cert_file).private_key(settings_.key_file);
    builder.ssl(ssl.finalize());
  }
  try {
    client_->connect(builder.finalize(), nullptr, *connect_listener_);
  } catch (const mqtt::exception& e) {
    connecting_ = false;
    log::warn("uplink", "connect to " + settings_.uri + " failed: " + e.what());
  }
}

bool MqttUplink::publish(const std::string& topic, const std::string& payload, bool retained) {
  try {
    client_->publish(topic, payload.data(), payload.size(), settings_.qos, retained);
    return true;
  } catch (const mqtt::exception& e) {
    log::warn("uplink", "publish to " + topic + " refused: " + e.what());
    return false;
  }
}

MqttUplink::Ticket MqttUplink::send(const std::string& topic, const std::string& payload) {
  try {
    return client_->publish(topic, payload.data(), payload.size(), settings_.qos, false);
  } catch (const mqtt::exception& e) {
    log::warn("uplink", "publish to " + topic + " refused: " + e.what());
    return nullptr;
  }
}

bool MqttUplink::delivered(const Ticket& t) {
  return t && t->is_complete() && t->get_return_code() == 0;
}

bool MqttUplink::failed(const Ticket& t) {
  return !t || (t->is_complete() && t->get_return_code() != 0);
}

bool MqttUplink::connected() const { return client_->is_connected(); }

void MqttUplink::stop(const std::string& topic, const std::string& payload) {
  stopped_ = true;
  try {
    if (client_->is_connected()) {
      client_->publish(topic, payload.data(), payload.size(), settings_.qos, true)->wait_for(std::chrono::seconds(2));
      client_->disconnect()->wait_for(std::chrono::seconds(2));
    }
  } catch (const mqtt::exception& e) {
    log::warn("uplink", std::string("clean disconnect failed: ") + e.what());
  }
}

}  // namespace lookout::gateway
