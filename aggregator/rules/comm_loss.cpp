#include "aggregator/rules/comm_loss.hpp"

#include <algorithm>
#include <vector>

namespace lookout::aggregator {
namespace {
constexpr std::size_t KEEP_INTERVALS = 9;

void remember(std::deque<std::int64_t>& d, std::int64_t interval) {
  d.push_back(interval);
  if (d.size() > KEEP_INTERVALS) d.pop_front();
}

std::int64_t median(const std::deque<std::int64_t>& d) {
  if (d.empty()) return 0;
  std::vector<std::int64_t> v(d.begin(), d.end());
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}
}  // namespace

void comm_seen(CommState& s, std::int64_t ts_ms, std::int64_t received_ms, bool answered) {
  if (s.last_ts_ms >= 0 && ts_ms > s.last_ts_ms) remember(s.intervals, ts_ms - s.last_ts_ms);
  if (s.last_arrival_ms >= 0 && received_ms > s.last_arrival_ms) remember(s.arrivals, received_ms - s.last_arrival_ms);
  s.last_ts_ms = std::max(s.last_ts_ms, ts_ms);
  s.last_arrival_ms = std::max(s.last_arrival_ms, received_ms);
  if (answered) s.last_received_ms = std::max(s.last_received_ms, received_ms);
  s.gateway_offline = false;
}

std::int64_t poll_period_ms(const CommLossRule& rule, const CommState& s) {
  if (rule.period_ms) return *rule.period_ms;
  if (s.intervals.empty()) return rule.default_period_ms;
  return std::max(median(s.intervals), median(s.arrivals));
}

CommJudgement judge_comm(const CommLossRule& rule, const CommState& s, std::int64_t now_ms) {
  if (s.gateway_offline) return {rule.level, "comm.gateway_offline"};
  if (s.last_received_ms < 0) return {};
  const auto limit = std::max(rule.min_timeout_ms, static_cast<std::int64_t>(
                                                       rule.multiple * static_cast<double>(poll_period_ms(rule, s))));
  if (now_ms - s.last_received_ms > limit) return {rule.level, "comm.no_data"};
  return {};
}

}  // namespace lookout::aggregator
