#include "aggregator/notify/health.hpp"

#include <nlohmann/json.hpp>

namespace lookout::aggregator::notify {
namespace {

int count_since(const std::deque<std::int64_t>& d, std::int64_t from_ms) {
  int n = 0;
  for (auto t : d) n += t > from_ms ? 1 : 0;
  return n;
}

AlarmHealth health_of(const wire::AlarmMessage& a, int activations) {
  return {a.enterprise, a.site, a.point, a.kind, a.level, a.since_ms, activations};
}

nlohmann::json alarm_json(const AlarmHealth& a) {
  return {{"enterprise", a.enterprise}, {"site", a.site},         {"point", a.point},
          {"kind", a.kind},             {"level", wire::to_string(a.level)}, {"since", a.since_ms},
          {"activations", a.activations}};
}

}  // namespace

int HealthFigures::floods() const {
  int n = 0;
  for (const auto& s : sites) n += s.flood ? 1 : 0;
  return n;
}

void to_json(nlohmann::json& j, const HealthFigures& f) {
  j = {{"at", f.at_ms}, {"window_ms", f.window_ms}, {"alarms", f.alarms}, {"floods", f.floods()}};
  j["sites"] = nlohmann::json::array();
  for (const auto& s : f.sites) {
    j["sites"].push_back({{"enterprise", s.enterprise},
                          {"site", s.site},
                          {"alarms", s.alarms},
                          {"flood", s.flood},
                          {"flood_since", s.flood ? nlohmann::json(s.flood_since_ms) : nlohmann::json()}});
  }
  j["stale"] = nlohmann::json::array();
  for (const auto& a : f.stale) j["stale"].push_back(alarm_json(a));
  j["chattering"] = nlohmann::json::array();
  for (const auto& a : f.chattering) j["chattering"].push_back(alarm_json(a));
  j["notifications"] = nlohmann::json::array();
  for (const auto& c : f.notifications) {
    j["notifications"].push_back({{"kind", c.kind},
                                  {"name", c.name},
                                  {"delivered", c.stats.delivered},
                                  {"failed_attempts", c.stats.failed_attempts},
                                  {"given_up", c.stats.given_up},
                                  {"dropped", c.stats.dropped},
                                  {"queued", c.stats.queued}});
  }
}

HealthMonitor::HealthMonitor(HealthLimits limits) : limits_(limits) {}

void HealthMonitor::prune(std::deque<std::int64_t>& d, std::int64_t now_ms) const {
  while (!d.empty() && d.front() <= now_ms - limits_.rate_window_ms) d.pop_front();
}

bool HealthMonitor::chattering(const std::deque<std::int64_t>& d, std::int64_t now_ms) const {
  // Any chatter_at activations within chatter_window, inside the rate window.
  std::vector<std::int64_t> recent;
  for (auto t : d) {
    if (t > now_ms - limits_.rate_window_ms) recent.push_back(t);
  }
  const auto n = static_cast<std::size_t>(limits_.chatter_at);
  for (std::size_t i = 0; n > 0 && i + n <= recent.size(); ++i) {
    if (recent[i + n - 1] - recent[i] <= limits_.chatter_window_ms) return true;
  }
  return false;
}

std::optional<std::string> HealthMonitor::record(const wire::AlarmMessage& a, std::int64_t now_ms) {
  const std::string key = a.enterprise + "/" + a.site + "/" + a.point + "/" + a.kind;
  auto& t = alarms_[key];
  const wire::Level before = t.alarm.level;
  t.alarm = a;
  auto& site = sites_[{a.enterprise, a.site}];
  prune(t.activations, now_ms);
  prune(site.activations, now_ms);
  if (site.flood && static_cast<int>(site.activations.size()) <= limits_.flood_above) site.flood = false;
  if (!a.page || a.level <= before) return std::nullopt;
  t.activations.push_back(now_ms);
  site.activations.push_back(now_ms);
  if (!site.flood && static_cast<int>(site.activations.size()) > limits_.flood_above) {
    site.flood = true;
    site.flood_since_ms = now_ms;
    return a.enterprise + "/" + a.site;
  }
  return std::nullopt;
}

HealthFigures HealthMonitor::figures(std::int64_t now_ms) const {
  HealthFigures f;
  f.at_ms = now_ms;
  f.window_ms = limits_.rate_window_ms;
  const std::int64_t from = now_ms - limits_.rate_window_ms;
  for (const auto& [where, s] : sites_) {
    const int n = count_since(s.activations, from);
    f.alarms += n;
    const bool flood = n > limits_.flood_above;
    f.sites.push_back({where.first, where.second, n, flood, flood ? s.flood_since_ms : 0});
  }
  for (const auto& [key, t] : alarms_) {
    const auto& a = t.alarm;
    const int n = count_since(t.activations, from);
    if (a.level != wire::Level::normal && a.state == "active_unacknowledged" &&
        now_ms - a.since_ms > limits_.stale_after_ms) {
      f.stale.push_back(health_of(a, n));
    }
    if (chattering(t.activations, now_ms)) f.chattering.push_back(health_of(a, n));
  }
  return f;
}

}  // namespace lookout::aggregator::notify
