#pragma once
// Notifications at run time: alarm changes in, through the notifier (what to say, when),
// the templates (the words) and each channel's filter, out to webhooks and command hooks;
// and the alarm-system health figures beside them. Lives on the aggregator's io_context.

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "aggregator/notify/command_hook.hpp"
#include "aggregator/notify/health.hpp"
#include "aggregator/notify/notifier.hpp"
#include "aggregator/notify/settings.hpp"
#include "aggregator/notify/webhook.hpp"

namespace lookout::aggregator::notify {

/// The JSON body a webhook receives for a (filtered) notice.
nlohmann::json webhook_body(const Notice& n, const std::string& text);

class Dispatcher {
 public:
  Dispatcher(boost::asio::io_context& io, NotifySettings settings);
  ~Dispatcher();

  /// The alarms as they are at start: known, so a restart sends nothing again.
  void seed(const std::vector<wire::AlarmMessage>& current, std::int64_t now_ms);
  /// Every alarm change the aggregator publishes, at arrival time `now_ms` [ms UTC].
  void on_alarms(const std::vector<wire::AlarmMessage>& alarms, std::int64_t now_ms);
  /// Grouping windows and repeats; call about once a second.
  void tick(std::int64_t now_ms);
  /// The health figures now (for the HTTP API).
  HealthFigures health(std::int64_t now_ms) const { return health_.figures(now_ms); }

 private:
  void deliver(const std::vector<Notice>& notices);

  NotifySettings settings_;
  Notifier notifier_;
  HealthMonitor health_;
  std::vector<std::unique_ptr<Webhook>> webhooks_;
  std::vector<std::unique_ptr<CommandHook>> hooks_;
};

}  // namespace lookout::aggregator::notify
