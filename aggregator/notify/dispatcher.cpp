#include "aggregator/notify/dispatcher.hpp"

#include <algorithm>
#include <functional>

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

namespace {

/// Names that stay the same across restarts while the configuration does; the n-th
/// identical channel gets " #n".
std::string unique_key(const std::vector<std::string>& keys, const std::string& key) {
  std::string k = key;
  for (int n = 2; std::find(keys.begin(), keys.end(), k) != keys.end(); ++n) k = key + " #" + std::to_string(n);
  return k;
}

std::string hook_name(const CommandHookSettings& h) {
  std::string name;
  for (const auto& a : h.command) name += (name.empty() ? "" : " ") + a;
  return h.recipient.empty() ? name : name + " to " + h.recipient;
}

/// `{kind="...",channel="..."}`, escaped as Prometheus labels are.
std::string labels(const ChannelHealth& c) {
  std::string name;
  for (char ch : c.name) {
    if (ch == '\n') {
      name += "\\n";
      continue;
    }
    if (ch == '"' || ch == '\\') name += '\\';
    name += ch;
  }
  return "{kind=\"" + c.kind + "\",channel=\"" + name + "\"}";
}

void family(std::string& out, const std::string& name, const std::string& help, const char* type,
            const std::vector<ChannelHealth>& channels, const std::function<std::uint64_t(const ChannelStats&)>& of) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  for (const auto& c : channels) out += name + labels(c) + " " + std::to_string(of(c.stats)) + "\n";
}

}  // namespace

Dispatcher::Dispatcher(boost::asio::io_context& io, NotifySettings settings, Outbox* outbox)
    : settings_(std::move(settings)), outbox_(outbox), notifier_(settings_.group_window_ms, settings_.repeat_ms) {
  for (const auto& w : settings_.webhooks) {
    webhook_keys_.push_back(unique_key(webhook_keys_, "webhook " + w.url));
    webhooks_.push_back(std::make_unique<Webhook>(io, w));
    webhooks_.back()->on_settled([this](std::int64_t row) { forget(row); });
  }
  for (const auto& h : settings_.command_hooks) {
    hook_keys_.push_back(unique_key(hook_keys_, "command_hook " + hook_name(h)));
    hooks_.push_back(std::make_unique<CommandHook>(h));
    hooks_.back()->on_settled([this](std::int64_t row) { forget(row); });
  }
  if (outbox_ != nullptr) restore();
}

Dispatcher::~Dispatcher() = default;

std::int64_t Dispatcher::keep(const std::string& channel, const std::string& id, const std::string& payload,
                              const std::map<std::string, std::string>& env, std::int64_t now_ms) {
  if (outbox_ == nullptr) return 0;
  try {
    return outbox_->add(OutboxEntry{0, channel, id, payload, env, now_ms});
  } catch (const std::exception& e) {
    // Still sent from memory; only a restart before delivery would lose it.
    log::error("notify", std::string(e.what()) + "; notification " + id + " not kept for a restart");
    return 0;
  }
}

void Dispatcher::forget(std::int64_t row) {
  if (outbox_ == nullptr || row == 0) return;
  try {
    outbox_->remove(row);
  } catch (const std::exception& e) {
    log::error("notify", std::string(e.what()) + "; outbox row " + std::to_string(row) + " may be sent again");
  }
}

void Dispatcher::restore() {
  std::vector<OutboxEntry> rows;
  try {
    rows = outbox_->pending();
  } catch (const std::exception& e) {
    log::error("notify", std::string(e.what()) + "; notifications left from before the start are not sent");
    return;
  }
  std::size_t queued = 0;
  for (auto& e : rows) {
    const auto w = std::find(webhook_keys_.begin(), webhook_keys_.end(), e.channel);
    const auto h = std::find(hook_keys_.begin(), hook_keys_.end(), e.channel);
    if (w != webhook_keys_.end()) {
      webhooks_[static_cast<std::size_t>(w - webhook_keys_.begin())]->enqueue(e.notice_id, std::move(e.payload),
                                                                               e.row);
    } else if (h != hook_keys_.end()) {
      hooks_[static_cast<std::size_t>(h - hook_keys_.begin())]->enqueue(std::move(e.payload), std::move(e.env), e.row);
    } else {
      log::error("notify", "notification " + e.notice_id + " for " + e.channel +
                               " dropped: that channel is no longer configured");
      ++orphans_dropped_;
      forget(e.row);
      continue;
    }
    ++queued;
  }
  if (queued > 0) {
    log::info("notify", std::to_string(queued) + " notifications undelivered before the start queued again");
  }
}

std::vector<ChannelHealth> Dispatcher::channels() const {
  std::vector<ChannelHealth> out;
  for (const auto& w : webhooks_) out.push_back({"webhook", w->settings().url, w->stats(), w->settings().queue_limit});
  for (const auto& h : hooks_) {
    out.push_back({"command_hook", hook_name(h->settings()), h->stats(), h->settings().queue_limit});
  }
  if (orphans_dropped_ > 0) {
    ChannelStats gone;
    gone.dropped = orphans_dropped_;
    out.push_back({"removed", "channels no longer configured", gone, 0});
  }
  return out;
}

HealthFigures Dispatcher::health(std::int64_t now_ms) const {
  auto f = health_.figures(now_ms);
  f.notifications = channels();
  return f;
}

std::string Dispatcher::metrics() const {
  const auto c = channels();
  std::string out;
  family(out, "lookout_notify_delivered_total", "Notifications a channel delivered.", "counter", c,
         [](const ChannelStats& s) { return s.delivered; });
  family(out, "lookout_notify_failed_attempts_total", "Delivery attempts that failed (then retried).", "counter", c,
         [](const ChannelStats& s) { return s.failed_attempts; });
  family(out, "lookout_notify_given_up_total", "Notifications given up after max_attempts.", "counter", c,
         [](const ChannelStats& s) { return s.given_up; });
  family(out, "lookout_notify_dropped_total", "Notifications dropped: queue_limit reached, or channel removed.",
         "counter", c, [](const ChannelStats& s) { return s.dropped; });
  family(out, "lookout_notify_queued", "Notifications waiting for delivery (kept in the database).", "gauge", c,
         [](const ChannelStats& s) { return static_cast<std::uint64_t>(s.queued); });
  return out;
}

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
  deliver(notifier_.on_changes(alarms, now_ms), now_ms);
}

void Dispatcher::tick(std::int64_t now_ms) { deliver(notifier_.tick(now_ms), now_ms); }

void Dispatcher::deliver(const std::vector<Notice>& notices, std::int64_t now_ms) {
  for (const auto& n : notices) {
    const int offset = settings_.offset_for(n.enterprise, n.site);
    for (std::size_t i = 0; i < webhooks_.size(); ++i) {
      auto& w = webhooks_[i];
      const auto part = select(n, w->settings().filter);
      if (!part) continue;
      const auto text = render(*part, w->settings().language, settings_.templates, offset);
      auto body = webhook_body(*part, text).dump();
      const auto row = keep(webhook_keys_[i], part->id, body, {}, now_ms);
      w->enqueue(part->id, std::move(body), row);
    }
    for (std::size_t i = 0; i < hooks_.size(); ++i) {
      auto& h = hooks_[i];
      const auto part = select(n, h->settings().filter);
      if (!part) continue;
      const auto level = part->severity();
      auto text = render(*part, h->settings().language, settings_.templates, offset) + "\n";
      std::map<std::string, std::string> env{{"LOOKOUT_RECIPIENT", h->settings().recipient},
                                             {"LOOKOUT_LEVEL", std::string(wire::to_string(level))},
                                             {"LOOKOUT_ENTERPRISE", part->enterprise},
                                             {"LOOKOUT_SITE", part->site},
                                             {"LOOKOUT_COUNT", std::to_string(part->changes.size())},
                                             {"LOOKOUT_ID", part->id}};
      const auto row = keep(hook_keys_[i], part->id, text, env, now_ms);
      h->enqueue(std::move(text), std::move(env), row);
    }
  }
}

}  // namespace lookout::aggregator::notify
