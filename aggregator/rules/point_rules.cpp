#include "aggregator/rules/point_rules.hpp"

#include <algorithm>

namespace lookout::aggregator {

std::int64_t PointRules::history_ms() const {
  std::int64_t keep = 0;
  if (rate) keep = std::max(keep, rate->window_ms);
  if (tangent_angle) keep = std::max(keep, tangent_angle->window_ms);
  for (const auto& a : accumulations) keep = std::max(keep, a.window_ms);
  return keep;
}

std::string rate_unit(const std::string& unit, std::int64_t per_ms) {
  if (per_ms == DAY_MS) return unit + "/d";
  if (per_ms == HOUR_MS) return unit + "/h";
  return unit + "/" + std::to_string(per_ms / 1000) + "s";
}

Evaluation evaluate(const PointRules& rules, PointState& s, const wire::Reading& r, std::int64_t received_ms,
                    std::uint64_t seq) {
  Evaluation ev;
  comm_seen(s.comm, r.ts_ms, received_ms, r.status != wire::DeviceStatus::offline);
  ev.in_order = seq > s.last_seq || (seq == s.last_seq && r.ts_ms >= s.last_ts_ms);
  const bool valid = r.is_valid();
  // Windows take every valid value, late ones in their place.
  const bool windowed = rules.rate || rules.tangent_angle || !rules.accumulations.empty();
  const bool unit_ok_for_window = [&] {
    if (rules.rate) return r.unit == rules.rate->unit;
    if (rules.tangent_angle) return r.unit == rules.tangent_angle->unit;
    if (!rules.accumulations.empty()) return r.unit == rules.accumulations.front().unit;
    return false;
  }();
  if (valid && windowed && unit_ok_for_window) s.samples.add(r.ts_ms, *r.value, rules.history_ms());
  if (!ev.in_order) return ev;
  s.last_seq = seq;
  s.last_ts_ms = r.ts_ms;

  const auto fault = judge_fault(rules.fault, r);
  ev.levels.push_back({RuleKind::sensor_fault, fault.level, fault.rule, std::nullopt, ""});
  if (!valid) {
    ev.note = "not a valid measurement (" + std::string(wire::to_string(r.quality)) + ", " +
              std::string(wire::to_string(r.status)) + ")";
    return ev;  // the process alarms keep their levels (rules act on valid readings only)
  }

  if (rules.threshold) {
    const auto& t = *rules.threshold;
    const Judgement j = judge(t.rule, r, s.threshold_judged);
    if (j.judged) {
      s.threshold_judged = j.level;
      const Level delayed = apply_delays(t.delays, s.delay, j.level, r.ts_ms);
      const Level shown = apply_latch(t.latch_at, s.latch, delayed, r.ts_ms);
      ev.levels.push_back({RuleKind::threshold, shown, t.rule.name, r.value, r.unit});
    } else {
      ev.note = j.note;
    }
  }
  if (!unit_ok_for_window) {
    if (windowed) ev.note = "unit " + r.unit + " does not match the windowed rules";
    return ev;
  }
  if (rules.rate) {
    const auto& rr = *rules.rate;
    const auto j = judge_rate(rr, s.samples, r.ts_ms, s.judged[RuleKind::rate]);
    if (j.judged) {
      s.judged[RuleKind::rate] = j.level;
      ev.levels.push_back({RuleKind::rate, j.level, rr.name, j.rate, rate_unit(rr.unit, rr.per_ms)});
    }
  }
  if (rules.tangent_angle) {
    const auto& ta = *rules.tangent_angle;
    const auto j = judge_tangent_angle(ta, s.samples, r.ts_ms, s.judged[RuleKind::tangent_angle]);
    if (j.judged) {
      s.judged[RuleKind::tangent_angle] = j.level;
      ev.levels.push_back({RuleKind::tangent_angle, j.level, ta.name, j.angle_deg, "deg"});
    }
  }
  if (!rules.accumulations.empty()) {
    // One alarm for the point's accumulation: the highest window decides, and names itself.
    // Each window keeps its own hysteresis, or a 1 h line could hold a 24 h level.
    KindLevel best{RuleKind::accumulation, Level::normal, rules.accumulations.front().name, std::nullopt,
                   rules.accumulations.front().unit};
    s.accumulation_judged.resize(rules.accumulations.size(), Level::normal);
    for (std::size_t i = 0; i < rules.accumulations.size(); ++i) {
      const auto& a = rules.accumulations[i];
      auto& held = s.accumulation_judged[i];
      const auto j = judge_accumulation(a, s.samples, r.ts_ms, held);
      held = j.level;
      if (!best.value || j.level > best.level) best = {RuleKind::accumulation, j.level, a.name, j.sum, a.unit};
    }
    ev.levels.push_back(best);
  }
  return ev;
}

}  // namespace lookout::aggregator
