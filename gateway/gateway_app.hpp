#pragma once
// The gateway's runtime: bus workers poll, readings are batched with a sequence number and
// published over the uplink; status is retained with a last will. Runs until stop().

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "firmware/wire/messages.hpp"
#include "gateway/bus_worker.hpp"
#include "gateway/mqtt_uplink.hpp"
#include "gateway/persistent_counters.hpp"
#include "gateway/site_config.hpp"

namespace lookout::gateway {

inline constexpr const char* FIRMWARE_VERSION = "0.1.0";

class GatewayApp {
 public:
  explicit GatewayApp(SiteConfig site);
  ~GatewayApp();

  /// Runs the event loop until SIGINT or SIGTERM; returns the exit status.
  int run();

 private:
  void on_readings(std::vector<wire::Reading> readings);
  void tick();
  void publish_status();
  wire::GatewayStatus status(bool online) const;

  SiteConfig site_;
  SystemClock clock_;
  PersistentCounters counters_;
  std::int64_t started_ms_ = 0;
  std::unique_ptr<MqttUplink> uplink_;
  std::vector<std::unique_ptr<BusWorker>> workers_;

  std::mutex pending_mutex_;
  std::vector<wire::Reading> pending_;       ///< polled, not yet in a batch
  std::deque<wire::ReadingsBatch> unsent_;   ///< batched, not yet handed to the uplink
  std::uint64_t dropped_readings_ = 0;
  std::atomic<bool> status_due_{true};
  std::int64_t next_status_ms_ = 0;
};

}  // namespace lookout::gateway
