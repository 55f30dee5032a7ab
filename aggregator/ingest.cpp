#include "aggregator/ingest.hpp"

#include "aggregator/alarm.hpp"
#include "aggregator/rules.hpp"
#include "firmware/log.hpp"
#include "firmware/wire/topics.hpp"

namespace lookout::aggregator {

Ingest::Ingest(const AggregatorConfig& config, Store& store) : config_(config), store_(store) {
  for (auto& a : store_.alarms()) alarms_[a.key] = a;
  last_alarm_id_ = store_.last_alarm_id();
}

wire::AlarmMessage Ingest::to_message(const AlarmRecord& a) const {
  wire::AlarmMessage m;
  m.enterprise = a.key.enterprise;
  m.site = a.key.site;
  m.point = a.key.point;
  m.quantity = a.quantity;
  m.level = a.alarm.level;
  m.state = std::string(to_string(a.alarm.state));
  m.rule = a.alarm.rule;
  m.value = a.value;
  m.unit = a.unit;
  m.ts_ms = a.ts_ms;
  m.since_ms = a.alarm.since_ms;
  m.id = a.alarm.id;
  return m;
}

std::vector<wire::AlarmMessage> Ingest::current_alarms() const {
  std::vector<wire::AlarmMessage> out;
  for (const auto& [k, a] : alarms_) out.push_back(to_message(a));
  return out;
}

IngestResult Ingest::handle(std::string_view topic, std::string_view payload, std::int64_t received_ms) {
  const auto up = wire::parse_up_topic(topic);
  IngestResult result;
  if (!up) {
    ++counters_.rejected;
    result.outcome = IngestResult::Outcome::rejected;
    result.reason = "topic is not lookout/v1/{enterprise}/{site}/{gateway}/up/{readings|status|events}";
    return result;
  }
  if (up->kind == "readings") return handle_readings(up->gateway, payload, received_ms);
  if (up->kind == "status") {
    const auto decoded = wire::decode_status(payload);
    if (const auto* err = std::get_if<wire::DecodeError>(&decoded)) {
      ++counters_.rejected;
      result.outcome = IngestResult::Outcome::rejected;
      result.reason = err->reason;
      return result;
    }
    store_.gateway_status(up->gateway, std::get<wire::GatewayStatus>(decoded).online, std::string(payload),
                          received_ms);
    return result;
  }
  return result;
}

IngestResult Ingest::handle_readings(const wire::GatewayAddress& gw, std::string_view payload,
                                     std::int64_t received_ms) {
  IngestResult result;
  auto decoded = wire::decode_readings(payload);
  if (const auto* err = std::get_if<wire::DecodeError>(&decoded)) {
    ++counters_.rejected;
    result.outcome = IngestResult::Outcome::rejected;
    result.reason = err->reason;
    return result;
  }
  auto& batch = std::get<wire::ReadingsBatch>(decoded);
  if (batch.gateway != gw.gateway) {
    ++counters_.rejected;
    result.outcome = IngestResult::Outcome::rejected;
    result.reason = "gateway: \"" + batch.gateway + "\" does not match the topic's gateway \"" + gw.gateway + "\"";
    return result;
  }
  if (store_.has_batch(gw, batch.seq)) {
    ++counters_.duplicates;
    result.outcome = IngestResult::Outcome::duplicate;
    return result;
  }

  IngestRecord record{gw, &batch, received_ms, {}, {}};
  std::map<PointKey, AlarmRecord> changed;
  record.levels.reserve(batch.readings.size());
  for (const auto& r : batch.readings) {
    const PointKey key{gw.enterprise, gw.site, r.point};
    // Earlier readings of this batch count: the working copy first, then what is stored.
    Alarm current;
    if (const auto c = changed.find(key); c != changed.end()) {
      current = c->second.alarm;
    } else if (const auto it = alarms_.find(key); it != alarms_.end()) {
      current = it->second.alarm;
    }
    const auto rule = rule_for(config_, gw.enterprise, gw.site, r.point, r.quantity);
    if (!rule) {
      record.levels.push_back(current.level);
      continue;
    }
    const Judgement j = judge(*rule, r, current.level);
    if (!j.judged && r.is_valid() && warned_.insert(r.point).second) {
      log::warn("rules", gw.enterprise + "/" + gw.site + " " + r.point + ": " + j.note);
    }
    record.levels.push_back(j.level);
    if (!j.judged) continue;
    const auto t = apply_level(current, j.level, j.rule, r.ts_ms);
    if (!t) continue;
    AlarmRecord a{key, r.quantity, t->after, r.value, r.unit, r.ts_ms};
    if (t->opened()) a.alarm.id = ++last_alarm_id_;
    changed[key] = a;
    record.alarm_changes.push_back(a);
    result.alarms.push_back(to_message(a));
  }
  store_.ingest(record);  // throws before anything is counted or changed if the database refuses
  for (auto& [k, a] : changed) alarms_[k] = std::move(a);
  ++counters_.accepted;
  counters_.readings += batch.readings.size();
  result.outcome = IngestResult::Outcome::accepted;
  return result;
}

}  // namespace lookout::aggregator
