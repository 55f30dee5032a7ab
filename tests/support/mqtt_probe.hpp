#pragma once
// An MQTT client for tests: subscribes, records every message, publishes.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mqtt {
class async_client;
}

namespace lookout::test {

struct ProbeMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
};

class MqttProbe {
 public:
  /// `keep_session`: a persistent session that reconnects by itself, so messages published
  /// while the broker restarts (it keeps sessions) still reach the probe.
  MqttProbe(const std::string& uri, const std::string& subscription, bool keep_session = false);
  ~MqttProbe();
  void publish(const std::string& topic, const std::string& payload, bool retained = false);
  /// The first message (in arrival order) for which `pred` holds, waiting up to `timeout`.
  std::optional<ProbeMessage> wait_for(const std::function<bool(const ProbeMessage&)>& pred,
                                       std::chrono::milliseconds timeout);
  std::vector<ProbeMessage> messages();

 private:
  class Callback;
  std::unique_ptr<mqtt::async_client> client_;
  std::unique_ptr<Callback> callback_;
  std::mutex mutex_;
  std::vector<ProbeMessage> messages_;
};

}  // namespace lookout::test
