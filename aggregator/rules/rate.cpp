#include "aggregator/rules/rate.hpp"

#include <algorithm>

namespace lookout::aggregator {

RateJudgement judge_rate(const RateRule& rule, const Samples& samples, std::int64_t as_of_ms, Level current) {
  RateJudgement j;
  const auto last = samples.last_at_or_before(as_of_ms);
  const auto first = samples.first_in(as_of_ms - rule.window_ms, as_of_ms);
  if (!last || !first || last->ts_ms - first->ts_ms <= 0 || last->ts_ms - first->ts_ms < rule.min_span_ms) {
    j.note = "not enough data in the window";
    return j;
  }
  const auto span = static_cast<double>(last->ts_ms - first->ts_ms);
  const double per = static_cast<double>(rule.per_ms);
  j.rate = (last->value - first->value) / span * per;
  // Acceleration: the later half of the window against the earlier half.
  const std::int64_t mid_ts = first->ts_ms + (last->ts_ms - first->ts_ms) / 2;
  if (const auto mid = samples.last_at_or_before(mid_ts);
      mid && mid->ts_ms > first->ts_ms && mid->ts_ms < last->ts_ms) {
    const double early = (mid->value - first->value) / static_cast<double>(mid->ts_ms - first->ts_ms);
    const double late = (last->value - mid->value) / static_cast<double>(last->ts_ms - mid->ts_ms);
    j.accelerating = late > early;
  }
  j.level = level_of(rule.lines, j.rate, current);
  if (rule.accelerating_from != Level::normal && !j.accelerating && j.level >= rule.accelerating_from) {
    j.level = static_cast<Level>(static_cast<int>(rule.accelerating_from) - 1);
  }
  j.judged = true;
  return j;
}

}  // namespace lookout::aggregator
