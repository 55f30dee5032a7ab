#include "aggregator/notify/dispatcher.hpp"

#include <nlohmann/json.hpp>

#include "aggregator/notify/text.hpp"
#include "firmware/log.hpp"

namespace lookout::aggregator::notify {

nlohmann::json webhook_body(const Notice& n, const std::string& text) {
  nlohmann::json alarms = nlohmann::json::array();
  for (const auto& c : n.changes) {
    auto a = nlohmann::json::parse(wire::encode(c.alarm));
    a["previous"] = wire::to_string(c.previous);
    a["peak"] = wire::to_string(c.severity());
    a["repeat"] = c.repeat;
    alarms.push_back(std::move(a));
  }
  return {{"v", 1},
          {"id", n.id},
          {"enterprise", n.enterprise},
          {"site", n.site},
          {"level", wire::to_string(n.severity())},
          {"count", n.changes.size()},
          {"at", n.at_ms},
          {"text", text},
          {"alarms", std::move(alarms)}};
}

Dispatcher::Dispatcher(boost::asio::io_context& io, NotifySettings settings)
    : settings_(std::move(settings)), notifier_(settings_.group_window_ms, settings_.repeat_ms) {
  for (const auto& w : settings_.webhooks) webhooks_.push_back(std::make_unique<Webhook>(io, w));
  for (const auto& h : settings_.command_hooks) hooks_.push_back(std::make_unique<CommandHook>(h));
}

Dispatcher::~Dispatcher() = default;

void Dispatcher::seed(const std::vector<wire::AlarmMessage>& current, std::int64_t now_ms) {
  notifier_.seed(current, now_ms);
  for (const auto& a : current) {
    auto quiet = a;
    quiet.page = false;  // known, not an activation
    health_.record(quiet, now_ms);
  }
}

void Dispatcher::on_alarms(const std::vector<wire::AlarmMessage>& alarms, std::int64_t now_ms) {
  if (alarms.empty()) return;
  for (const auto& a : alarms) {
    if (const auto site = health_.record(a, now_ms)) {
      log::warn("health", "alarm flood at " + *site + ": more than 10 alarms in 10 min (ISA-18.2); "
                          "notifications are grouped per site");
    }
  }
  deliver(notifier_.on_changes(alarms, now_ms));
}

void Dispatcher::tick(std::int64_t now_ms) { deliver(notifier_.tick(now_ms)); }

void Dispatcher::deliver(const std::vector<Notice>& notices) {
  for (const auto& n : notices) {
    const int offset = settings_.offset_for(n.enterprise, n.site);
    for (auto& w : webhooks_) {
      const auto part = select(n, w->settings().filter);
      if (!part) continue;
      const auto text = render(*part, w->settings().language, settings_.templates, offset);
      w->enqueue(part->id, webhook_body(*part, text).dump());
    }
    for (auto& h : hooks_) {
      const auto part = select(n, h->settings().filter);
      if (!part) continue;
      const auto level = part->severity();
      h->enqueue(render(*part, h->settings().language, settings_.templates, offset) + "\n",
                 {{"LOOKOUT_RECIPIENT", h->settings().recipient},
                  {"LOOKOUT_LEVEL", std::string(wire::to_string(level))},
                  {"LOOKOUT_ENTERPRISE", part->enterprise},
                  {"LOOKOUT_SITE", part->site},
                  {"LOOKOUT_COUNT", std::to_string(part->changes.size())},
                  {"LOOKOUT_ID", part->id}});
    }
  }
}

}  // namespace lookout::aggregator::notify
