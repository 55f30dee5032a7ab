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
#include "gateway/outbox.hpp"
#include "gateway/site_config.hpp"
#include "gateway/watchdog.hpp"

namespace lookout::gateway {

inline constexpr const char* FIRMWARE_VERSION = "0.1.0";

class GatewayApp {
 public:
  /// `watchdog_device`: the board's hardware watchdog, "" for none.
  explicit GatewayApp(SiteConfig site, const std::string& watchdog_device = "", int watchdog_timeout_s = 30);
  ~GatewayApp();

  /// Runs the event loop until SIGINT or SIGTERM; returns the exit status.
  int run();

 private:
  void on_readings(std::vector<wire::Reading> readings);
  void tick();
  void send_from_outbox();
  void publish_status();
  wire::GatewayStatus status(bool online) const;

  SiteConfig site_;
  SystemClock clock_;
  Outbox outbox_;
  std::int64_t started_ms_ = 0;
  Watchdog watchdog_;
  std::unique_ptr<MqttUplink> uplink_;
  std::vector<std::unique_ptr<BusWorker>> workers_;

  std::mutex pending_mutex_;
  std::vector<wire::Reading> pending_;  ///< polled, not yet in the outbox

  /// Handed to the uplink in this connection, oldest first, not yet acknowledged.
  std::deque<std::pair<std::uint64_t, MqttUplink::Ticket>> inflight_;
  std::uint64_t sent_upto_ = 0;         ///< highest seq handed over in this connection
  std::uint64_t seen_connections_ = 0;
  std::int64_t connected_since_ms_ = 0; ///< [ms UTC] batches made before it are backfill
  std::atomic<bool> status_due_{true};
  std::int64_t next_status_ms_ = 0;
};

}  // namespace lookout::gateway
