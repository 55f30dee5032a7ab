#pragma once
// Alarm-system health figures in the manner of ISA-18.2 / EEMUA 191 (standards.md "Alarm
// handling"): alarms per 10 minutes, floods, stale and chattering alarms. Plain C++; time
// comes in as an argument; the HTTP API can serve figures() as JSON.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "aggregator/notify/channel_stats.hpp"
#include "firmware/wire/messages.hpp"

namespace lookout::aggregator::notify {

struct HealthLimits {
  std::int64_t rate_window_ms = 600'000;      ///< [ms] alarms are counted per 10 min
  int flood_above = 10;                       ///< a flood: more than this many in the window, at a site
  std::int64_t stale_after_ms = 86'400'000;   ///< [ms] active unacknowledged for longer: stale
  std::int64_t chatter_window_ms = 60'000;    ///< [ms]
  int chatter_at = 3;                         ///< this many activations of one alarm inside chatter_window: chattering
};

struct SiteHealth {
  std::string enterprise;
  std::string site;
  int alarms = 0;  ///< activations in the last rate window
  bool flood = false;
  std::int64_t flood_since_ms = 0;  ///< [ms UTC] when the current flood began
};

struct AlarmHealth {
  std::string enterprise;
  std::string site;
  std::string point;
  std::string kind;
  wire::Level level = wire::Level::normal;
  std::int64_t since_ms = 0;  ///< [ms UTC] when its level began
  int activations = 0;        ///< in the last rate window
};

struct HealthFigures {
  std::int64_t at_ms = 0;
  std::int64_t window_ms = 0;
  int alarms = 0;  ///< activations in the last window, all sites
  std::vector<SiteHealth> sites;
  std::vector<AlarmHealth> stale;
  std::vector<AlarmHealth> chattering;  ///< chattered within the last rate window
  std::vector<ChannelHealth> notifications;  ///< each channel's deliveries, failures and drops since start
  int floods() const;
};

void to_json(nlohmann::json& j, const HealthFigures& f);

class HealthMonitor {
 public:
  explicit HealthMonitor(HealthLimits limits = {});
  /// Every alarm change as published, at arrival time `now_ms`. A raise or escalation that
  /// pages is an activation. Returns the site ("enterprise/site") whose flood began with it.
  std::optional<std::string> record(const wire::AlarmMessage& a, std::int64_t now_ms);
  HealthFigures figures(std::int64_t now_ms) const;

 private:
  struct Tracked {
    wire::AlarmMessage alarm;
    std::deque<std::int64_t> activations;  ///< [ms] within the rate window
  };
  struct SiteState {
    std::deque<std::int64_t> activations;  ///< [ms] within the rate window
    bool flood = false;
    std::int64_t flood_since_ms = 0;
  };
  void prune(std::deque<std::int64_t>& d, std::int64_t now_ms) const;
  bool chattering(const std::deque<std::int64_t>& d, std::int64_t now_ms) const;

  HealthLimits limits_;
  std::map<std::string, Tracked> alarms_;
  std::map<std::pair<std::string, std::string>, SiteState> sites_;
};

}  // namespace lookout::aggregator::notify
