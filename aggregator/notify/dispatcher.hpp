#pragma once
// Notifications at run time: alarm changes in, through the notifier (what to say, when),
// the templates (the words) and each channel's filter, out to webhooks and command hooks;
// and the alarm-system health figures beside them. Lives on the aggregator's io_context.
// With an outbox, every notice is stored for each channel before it is queued there, and
// what the last run left undelivered is queued again at construction (outbox.hpp).

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "aggregator/notify/command_hook.hpp"
#include "aggregator/notify/health.hpp"
#include "aggregator/notify/notifier.hpp"
#include "aggregator/notify/outbox.hpp"
#include "aggregator/notify/settings.hpp"
#include "aggregator/notify/webhook.hpp"

namespace lookout::aggregator::notify {

/// The JSON body a webhook receives for a (filtered) notice.
nlohmann::json webhook_body(const Notice& n, const std::string& text);

class Dispatcher {
 public:
  /// `outbox` (may be null: nothing survives a restart) must outlive the dispatcher.
  Dispatcher(boost::asio::io_context& io, NotifySettings settings, Outbox* outbox = nullptr);
  ~Dispatcher();

  /// The alarms as they are at start: known, so a restart sends nothing again.
  void seed(const std::vector<wire::AlarmMessage>& current, std::int64_t now_ms);
  /// Every alarm change the aggregator publishes, at arrival time `now_ms` [ms UTC].
  void on_alarms(const std::vector<wire::AlarmMessage>& alarms, std::int64_t now_ms);
  /// Grouping windows and repeats; call about once a second.
  void tick(std::int64_t now_ms);
  /// The health figures now, with each channel's (for the HTTP API).
  HealthFigures health(std::int64_t now_ms) const;
  /// Each channel's figures since start.
  std::vector<ChannelHealth> channels() const;
  /// The channels' figures in Prometheus text format (for /metrics).
  std::string metrics() const;

 private:
  void deliver(const std::vector<Notice>& notices, std::int64_t now_ms);
  /// Stores one channel's copy in the outbox; its row, or 0 without an outbox (or on failure, logged).
  std::int64_t keep(const std::string& channel, const std::string& id, const std::string& payload,
                    const std::map<std::string, std::string>& env, std::int64_t now_ms);
  void forget(std::int64_t row);
  void restore();

  NotifySettings settings_;
  Outbox* outbox_;
  std::vector<std::string> webhook_keys_;  ///< the outbox's name of each webhook
  std::vector<std::string> hook_keys_;     ///< and of each command hook
  std::uint64_t orphans_dropped_ = 0;      ///< outbox rows of channels no longer configured
  Notifier notifier_;
  HealthMonitor health_;
  std::vector<std::unique_ptr<Webhook>> webhooks_;
  std::vector<std::unique_ptr<CommandHook>> hooks_;
};

}  // namespace lookout::aggregator::notify
