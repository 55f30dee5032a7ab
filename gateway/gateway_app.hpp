#pragma once
// The gateway's runtime: bus workers poll, readings are batched with a sequence number and
// published over the uplink; status is retained with a last will. Runs until stop().

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "firmware/edge/edge_safety.hpp"
#include "firmware/wire/messages.hpp"
#include "gateway/board_config.hpp"
#include "gateway/bus_worker.hpp"
#include "gateway/latched_keeper.hpp"
#include "gateway/mqtt_uplink.hpp"
#include "gateway/outbox.hpp"
#include "gateway/outbox_feed.hpp"
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
  /// After run(): true when a new site file was accepted and the gateway should start again.
  bool restart_requested() const { return restart_; }

  /// The board the site file was read with, for checking new site files the same way.
  void set_board(const BoardConfig* board) { board_ = board; }

 private:
  void on_readings(std::vector<wire::Reading> readings);
  /// Hands the edge's decisions to the buses, then the latched interlocks to latched_keeper_
  /// (which writes them on its own thread); with edge_mutex_ held. Never waits on a disk.
  void apply_edge();
  /// With edge_mutex_ held: logs the events and queues them for up/events.
  void queue_events(std::vector<firmware::edge::EdgeEvent> events);
  void publish_events();
  void tick();
  /// Moves polled readings into the outbox, or holds them in memory while it cannot take them.
  void flush_pending();
  /// Acts on the aggregator's latest acknowledgement, and on its silence.
  void take_acknowledgement(std::int64_t now_ms);
  /// The aggregator asked (renumber_after): the unacknowledged batches go again numbered after `after`.
  void renumber(std::uint64_t after, std::int64_t now_ms);
  void send_from_outbox();
  void handle_requests();
  void answer(std::string_view event, const std::string& id, const std::vector<std::string>& errors);
  bool apply_site_file(const std::string& text, std::vector<std::string>& errors);
  void publish_status();
  wire::GatewayStatus status(bool online) const;

  SiteConfig site_;
  SystemClock clock_;
  Outbox outbox_;
  OutboxFeed feed_;  ///< the way into outbox_
  LatchedKeeper latched_keeper_;
  std::int64_t started_ms_ = 0;
  Watchdog watchdog_;
  std::unique_ptr<MqttUplink> uplink_;
  std::vector<std::unique_ptr<BusWorker>> workers_;

  const BoardConfig* board_ = nullptr;
  bool restart_ = false;
  std::function<void()> stop_loop_;
  std::vector<std::pair<std::string, std::string>> requests_;  ///< (kind, payload), guarded by pending_mutex_

  mutable std::mutex edge_mutex_;  ///< guards edge_, events_, latched_
  firmware::edge::EdgeSafety edge_;
  std::deque<firmware::edge::EdgeEvent> events_;  ///< waiting for the uplink
  std::vector<std::string> latched_;              ///< as last handed to latched_keeper_

  std::mutex pending_mutex_;
  std::vector<wire::Reading> pending_;  ///< polled, not yet in the outbox
  std::map<std::string, KeptState> pending_kept_;  ///< by device: kept after readings in pending_ or earlier

  /// Handed to the uplink in this connection, oldest first, not yet acknowledged by the broker.
  std::deque<std::pair<std::uint64_t, MqttUplink::Ticket>> inflight_;
  std::uint64_t sent_upto_ = 0;         ///< highest seq handed over in this connection
  /// The aggregator's latest down/ack, not yet acted on; guarded by pending_mutex_.
  std::optional<wire::DeliveryAck> ack_in_;
  std::uint64_t acked_upto_ = 0;        ///< every batch up to it is stored at the aggregator
  std::int64_t ack_progress_ms_ = 0;    ///< [monotonic ms] when the aggregator last acknowledged more, or sending began
  std::int64_t ack_timeout_ms_ = 0;     ///< current wait for it before sending again (backs off)
  /// Sending again what was sent before, after the aggregator asked (resend_from), up to
  /// this seq: paced by its acknowledgements, SEND_WINDOW beyond them; 0: not resending.
  std::uint64_t resend_until_ = 0;
  bool resend_oldest_ = false;  ///< the aggregator was silent too long: the oldest window goes again
  std::uint64_t seen_connections_ = 0;
  std::uint64_t live_after_seq_ = 0;     ///< the newest batch when this connection came: it and those before are backfill
  std::atomic<bool> status_due_{true};
  std::int64_t next_status_ms_ = 0;
};

}  // namespace lookout::gateway
