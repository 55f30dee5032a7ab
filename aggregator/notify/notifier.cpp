#include "aggregator/notify/notifier.hpp"

#include <algorithm>

namespace lookout::aggregator::notify {
namespace {

std::string key_of(const wire::AlarmMessage& a) {
  return a.enterprise + "/" + a.site + "/" + a.point + "/" + a.kind;
}

bool active_unacknowledged(const wire::AlarmMessage& a) {
  return a.level != wire::Level::normal && a.state == "active_unacknowledged";
}

/// States in which a person or the design has silenced an alarm (names as alarm.hpp spells them).
bool suppressed(const wire::AlarmMessage& a) {
  return a.state == "shelved" || a.state == "out_of_service" || a.state == "suppressed";
}

}  // namespace

wire::Level Change::severity() const { return std::max({alarm.level, previous, peak}); }

wire::Level Notice::severity() const {
  wire::Level l = wire::Level::normal;
  for (const auto& c : changes) l = std::max(l, c.severity());
  return l;
}

std::optional<Notice> select(const Notice& n, const ChannelFilter& f) {
  Notice out{n.id, n.enterprise, n.site, n.at_ms, {}};
  for (const auto& c : n.changes) {
    if (f.matches(n.enterprise, n.site, c.severity())) out.changes.push_back(c);
  }
  if (out.changes.empty()) return std::nullopt;
  return out;
}

Notifier::Notifier(std::int64_t group_window_ms, std::int64_t repeat_ms)
    : group_window_ms_(std::max<std::int64_t>(0, group_window_ms)), repeat_ms_(std::max<std::int64_t>(0, repeat_ms)) {}

void Notifier::seed(const std::vector<wire::AlarmMessage>& current, std::int64_t now_ms) {
  for (const auto& a : current) known_[key_of(a)] = Known{a, a.level, now_ms};
}

void Notifier::drop_reminder(const std::string& key, const wire::AlarmMessage& a) {
  const auto site = sites_.find({a.enterprise, a.site});
  if (site == sites_.end()) return;
  auto& pending = site->second.pending;
  // A held entry marked repeat is only a reminder (a change merged into it clears the mark).
  pending.erase(std::remove_if(pending.begin(), pending.end(),
                               [&](const auto& held) { return held.first == key && held.second.repeat; }),
                pending.end());
}

void Notifier::hold(const std::string& key, Change c) {
  auto& site = sites_[{c.alarm.enterprise, c.alarm.site}];
  for (auto& [k, held] : site.pending) {
    if (k != key) continue;
    // The same alarm changed again inside the window: one line, its latest state, and
    // the highest level it reached so a rise-and-clear is not reported as nothing.
    held.peak = std::max({held.peak, held.alarm.level, c.alarm.level});
    held.alarm = std::move(c.alarm);
    held.repeat = held.repeat && c.repeat;
    return;
  }
  c.peak = std::max(c.peak, c.alarm.level);
  site.pending.emplace_back(key, std::move(c));
}

std::vector<Notice> Notifier::on_changes(const std::vector<wire::AlarmMessage>& changes, std::int64_t now_ms) {
  for (const auto& a : changes) {
    const std::string key = key_of(a);
    auto [it, fresh] = known_.try_emplace(key, Known{a, wire::Level::normal, now_ms});
    Known& k = it->second;
    const wire::Level before = fresh ? wire::Level::normal : k.notified;
    k.alarm = a;
    if (!active_unacknowledged(a)) drop_reminder(key, a);
    if (suppressed(a)) {
      // ISA-18.2: a shelved or out-of-service alarm is not annunciated. Its level is still
      // followed; what it is when it comes back is compared with what was last sent.
      continue;
    }
    if (!a.page || a.level == before) {
      // History, or no new level (a copy, or an acknowledgement): nothing to say.
      if (!a.page) k.notified = a.level;
      continue;
    }
    k.notified = a.level;
    k.last_sent_ms = now_ms;
    hold(key, Change{a, before, before, false});
  }
  return flush_due(now_ms);
}

std::vector<Notice> Notifier::tick(std::int64_t now_ms) {
  if (repeat_ms_ > 0) {
    for (auto& [key, k] : known_) {
      if (!active_unacknowledged(k.alarm) || now_ms - k.last_sent_ms < repeat_ms_) continue;
      k.last_sent_ms = now_ms;
      hold(key, Change{k.alarm, k.notified, k.notified, true});
    }
  }
  return flush_due(now_ms);
}

std::vector<Notice> Notifier::flush_due(std::int64_t now_ms) {
  std::vector<Notice> out;
  for (auto& [where, site] : sites_) {
    const bool window_over = !site.window_open || now_ms >= site.window_end_ms;
    if (!window_over) continue;
    if (site.pending.empty()) {
      site.window_open = false;  // a quiet window: the next change goes out at once
      continue;
    }
    Notice n{std::to_string(now_ms) + "-" + std::to_string(next_id_++), where.first, where.second, now_ms, {}};
    for (auto& [key, c] : site.pending) n.changes.push_back(std::move(c));
    site.pending.clear();
    site.window_open = group_window_ms_ > 0;
    site.window_end_ms = now_ms + group_window_ms_;
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace lookout::aggregator::notify
