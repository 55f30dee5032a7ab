#include "aggregator/mqtt_session.hpp"

#include <mqtt/async_client.h>

#include "firmware/log.hpp"

namespace lookout::aggregator {
namespace {
constexpr std::int64_t MAX_BACKOFF_MS = 15000;
constexpr int MAX_BUFFERED = 100000;  // Paho's default of 100 refuses bursts (debian-notes.md)
}  // namespace

class MqttSession::Callback final : public mqtt::callback {
 public:
  explicit Callback(MqttSession& owner) : owner_(owner) {}
  void connected(const std::string&) override {
    owner_.connecting_ = false;
    owner_.backoff_ms_ = 1000;
    std::string what = "connected to " + owner_.config_.mqtt_uri + " as " + owner_.spec_.client_id;
    if (!owner_.spec_.username.empty()) what += " (user " + owner_.spec_.username + ")";
    if (!owner_.spec_.filter.empty()) {
      try {
        owner_.client_->subscribe(owner_.spec_.filter, 1);
        what += ", subscribed to " + owner_.spec_.filter;
      } catch (const mqtt::exception& e) {
        log::error("mqtt", "subscribe to " + owner_.spec_.filter + " failed: " + e.what());
      }
    }
    log::info("mqtt", what);
    if (owner_.on_connected_) owner_.on_connected_();
  }
  void connection_lost(const std::string& cause) override {
    owner_.connecting_ = false;
    if (!owner_.stopped_) {
      log::warn("mqtt", "connection of " + owner_.spec_.client_id + " to " + owner_.config_.mqtt_uri + " lost: " + cause);
    }
  }
  void message_arrived(mqtt::const_message_ptr msg) override {
    if (owner_.on_message_) owner_.on_message_(msg->get_topic(), msg->get_payload_str());
  }

 private:
  MqttSession& owner_;
};

class MqttSession::ConnectListener final : public mqtt::iaction_listener {
 public:
  explicit ConnectListener(MqttSession& owner) : owner_(owner) {}
  void on_failure(const mqtt::token& tok) override {
    owner_.connecting_ = false;
    log::warn("mqtt", owner_.spec_.client_id + " cannot connect to " + owner_.config_.mqtt_uri + " (code " +
                          std::to_string(tok.get_return_code()) + "); retrying");
  }
  void on_success(const mqtt::token&) override {}

 private:
  MqttSession& owner_;
};

MqttSession::MqttSession(const AggregatorConfig& config, MqttSessionSpec spec, MessageHandler on_message,
                         std::function<void()> on_connected)
    : config_(config), spec_(std::move(spec)), on_message_(std::move(on_message)), on_connected_(std::move(on_connected)) {
  client_ = std::make_unique<mqtt::async_client>(config_.mqtt_uri, spec_.client_id,
                                                 mqtt::create_options(MQTTVERSION_3_1_1, MAX_BUFFERED));
  callback_ = std::make_unique<Callback>(*this);
  listener_ = std::make_unique<ConnectListener>(*this);
  client_->set_callback(*callback_);
}

MqttSession::~MqttSession() { stop(); }

void MqttSession::maintain(std::int64_t monotonic_ms) {
  if (stopped_ || connecting_ || client_->is_connected() || monotonic_ms < next_attempt_ms_) return;
  connecting_ = true;
  next_attempt_ms_ = monotonic_ms + backoff_ms_;
  backoff_ms_ = std::min(backoff_ms_ * 2, MAX_BACKOFF_MS);
  auto builder = mqtt::connect_options_builder()
                     .keep_alive_interval(std::chrono::seconds(10))
                     .clean_session(spec_.clean_session)
                     .connect_timeout(std::chrono::seconds(5));
  if (!spec_.username.empty()) builder.user_name(spec_.username).password(config_.mqtt_password);
  if (config_.mqtt_uri.starts_with("ssl://") || config_.mqtt_uri.starts_with("mqtts://")) {
    builder.ssl(mqtt::ssl_options());
  }
  try {
    client_->connect(builder.finalize(), nullptr, *listener_);
  } catch (const mqtt::exception& e) {
    connecting_ = false;
    log::warn("mqtt", "connect to " + config_.mqtt_uri + " failed: " + e.what());
  }
}

bool MqttSession::connected() const { return client_->is_connected(); }

bool MqttSession::publish(const std::string& topic, const std::string& payload, bool retained) {
  try {
    client_->publish(topic, payload.data(), payload.size(), 1, retained);
    return true;
  } catch (const mqtt::exception& e) {
    log::warn("mqtt", "publish to " + topic + " refused: " + e.what());
    return false;
  }
}

void MqttSession::stop() {
  if (stopped_.exchange(true)) return;
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
}

}  // namespace lookout::aggregator
