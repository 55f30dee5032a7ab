#include "tests/support/mqtt_probe.hpp"

#include <mqtt/async_client.h>

#include <atomic>

#include "tests/support/process.hpp"

namespace lookout::test {

class MqttProbe::Callback final : public mqtt::callback {
 public:
  explicit Callback(MqttProbe& owner) : owner_(owner) {}
  void message_arrived(mqtt::const_message_ptr msg) override {
    std::lock_guard<std::mutex> g(owner_.mutex_);
    owner_.messages_.push_back({msg->get_topic(), msg->get_payload_str(), msg->is_retained()});
  }

 private:
  MqttProbe& owner_;
};

MqttProbe::MqttProbe(const std::string& uri, const std::string& subscription, bool keep_session) {
  static std::atomic<int> counter{0};
  client_ = std::make_unique<mqtt::async_client>(uri, "probe-" + std::to_string(getpid()) + "-" +
                                                          std::to_string(counter++));
  callback_ = std::make_unique<Callback>(*this);
  client_->set_callback(*callback_);
  auto options = mqtt::connect_options_builder().clean_session(!keep_session);
  if (keep_session) options.automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(2));
  client_->connect(options.finalize())->wait();
  client_->subscribe(subscription, 1)->wait();
}

MqttProbe::~MqttProbe() {
  try {
    client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
}

void MqttProbe::publish(const std::string& topic, const std::string& payload, bool retained) {
  client_->publish(topic, payload.data(), payload.size(), 1, retained)->wait();
}

std::optional<ProbeMessage> MqttProbe::wait_for(const std::function<bool(const ProbeMessage&)>& pred,
                                                std::chrono::milliseconds timeout) {
  std::optional<ProbeMessage> found;
  eventually(
      [&] {
        std::lock_guard<std::mutex> g(mutex_);
        for (const auto& m : messages_) {
          if (pred(m)) {
            found = m;
            return true;
          }
        }
        return false;
      },
      timeout);
  return found;
}

std::vector<ProbeMessage> MqttProbe::messages() {
  std::lock_guard<std::mutex> g(mutex_);
  return messages_;
}

}  // namespace lookout::test
