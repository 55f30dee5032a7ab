#include "aggregator/ingest.hpp"

#include <algorithm>

#include "aggregator/alarm.hpp"
#include "aggregator/rules.hpp"
#include "aggregator/rules/rollup.hpp"
#include "firmware/log.hpp"
#include "firmware/wire/topics.hpp"

namespace lookout::aggregator {
namespace {

/// The kinds that judge the process (the value itself), as against data loss and faults.
bool is_process(RuleKind k) {
  return k != RuleKind::comm_loss && k != RuleKind::sensor_fault && k != RuleKind::system_fault;
}

/// A gateway whose outbox cannot take readings keeps them only in memory, and sends none
/// meanwhile; an aggregator whose database refuses writes judges nothing; a gateway whose
/// clock is far off puts its readings out of place in history: a loss of data (or of
/// alarms) in the making, at comm_loss's default level.
constexpr Level SYSTEM_FAULT_LEVEL = Level::yellow;

}  // namespace

/// The alarms one batch (or one tick) moves, applied to alarms_ only once stored.
struct Ingest::Batch {
  std::map<AlarmKey, AlarmRecord> changed;  ///< the working copy
  std::vector<AlarmRecord> changes;         ///< every transition, in order
  std::map<AlarmKey, Level> level_before;   ///< each moved alarm's level when the batch began
  std::set<AlarmKey> rose;                  ///< alarms that went up at some point in it
  std::vector<DerivedValue> derived;        ///< derived points' values, in order
};

Ingest::Ingest(const AggregatorConfig& config, Store& store) : config_(config), store_(store) { load(); }

void Ingest::reload() {
  const std::int64_t last_id = last_alarm_id_;
  alarms_.clear();
  points_.clear();
  derived_inputs_.clear();
  derived_judged_.clear();
  max_seq_.clear();
  backfills_.clear();
  load();
  // What never reached the database lives on in memory: own_storage's alarm, and its ids.
  for (const auto& a : unstored_) alarms_[a.alarm_key()] = a;
  last_alarm_id_ = std::max(last_alarm_id_, last_id);
}

void Ingest::load() {
  for (auto& a : store_.alarms()) alarms_[a.alarm_key()] = a;
  last_alarm_id_ = store_.last_alarm_id();
  // Backfills under way when it stopped: they end as they would have (a live batch, or
  // silence), and what stands then pages.
  for (const auto& m : store_.backfill_marks()) {
    auto& run = backfills_[{m.gateway.enterprise, m.gateway.site, m.gateway.gateway}];
    run.level_before.emplace(m.alarm, m.level_before);
    if (m.rose) run.rose.insert(m.alarm);
    run.last_ms = std::max(run.last_ms, m.last_ms);
    if (const auto a = alarms_.find(m.alarm); a != alarms_.end()) a->second.quiet = true;
  }
  for (const auto& v : store_.latest()) {
    // Points known before a restart: watched for communication loss from the first tick on.
    // A derived point is not heard from: its inputs are watched instead.
    if (!is_derived_point(v.key)) point_entry(v.key, v.reading.quantity, v.gateway);
    // Derived points' inputs as they last were, so that one input's next reading does not
    // judge without the others.
    for (const auto& d : config_.derived) {
      if (d.enterprise != v.key.enterprise || d.site != v.key.site || !v.reading.is_valid() || v.reading.unit != "m") {
        continue;
      }
      if (std::find(d.rule.inputs.begin(), d.rule.inputs.end(), v.key.point) != d.rule.inputs.end()) {
        derived_inputs_[v.key] = *v.reading.value;
      }
    }
  }
}

bool Ingest::is_derived_point(const PointKey& key) const {
  return std::any_of(config_.derived.begin(), config_.derived.end(), [&](const DerivedPoint& d) {
    return d.enterprise == key.enterprise && d.site == key.site && d.rule.point == key.point;
  });
}

Ingest::Judging Ingest::judging(const PointKey& key) const {
  if (is_derived_point(key)) return {true, true};
  const auto it = points_.find(key);
  if (it == points_.end()) return {};
  const PointRules& r = it->second.rules;
  return {false, r.threshold.has_value() || r.rate.has_value() || r.tangent_angle.has_value() ||
                     !r.accumulations.empty()};
}

Ingest::PointEntry& Ingest::point_entry(const PointKey& key, const std::string& quantity,
                                        const std::string& gateway) {
  auto it = points_.find(key);
  if (it != points_.end() && it->second.quantity == quantity) {
    if (it->second.gateway != gateway) it->second.state.last_seq = 0;  // another gateway numbers its own batches
    it->second.gateway = gateway;
    return it->second;
  }
  PointEntry e{quantity, gateway, point_rules_for(config_, key.enterprise, key.site, key.point, quantity), {}};
  // Hysteresis and latches start from the stored alarms, so a restart changes no level.
  for (const auto& [k, a] : alarms_) {
    if (k.point != key) continue;
    if (k.kind == RuleKind::threshold) {
      e.state.threshold_judged = a.alarm.level;
      e.state.delay.shown = a.alarm.level;
      if (e.rules.threshold && e.rules.threshold->latch_at != Level::normal &&
          a.alarm.level >= e.rules.threshold->latch_at) {
        e.state.latch = {true, a.alarm.since_ms};
      }
    } else if (k.kind == RuleKind::rate || k.kind == RuleKind::tangent_angle) {
      e.state.judged[k.kind] = a.alarm.level;
    } else if (k.kind == RuleKind::accumulation) {
      e.state.accumulation_judged.assign(e.rules.accumulations.size(), a.alarm.level);
    }
  }
  if (it != points_.end()) {
    it->second = std::move(e);
    return it->second;
  }
  return points_.emplace(key, std::move(e)).first->second;
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
  m.kind = std::string(to_string(a.kind));
  m.page = !a.quiet;
  return m;
}

std::vector<wire::AlarmMessage> Ingest::current_alarms() const {
  std::vector<wire::AlarmMessage> out;
  for (const auto& [k, a] : alarms_) out.push_back(to_message(a));
  return out;
}

std::vector<wire::AlarmMessage> Ingest::alarms_as_told() const {
  std::vector<wire::AlarmMessage> out;
  for (const auto& [k, a] : alarms_) {
    auto m = to_message(a);
    for (const auto& [gw, run] : backfills_) {
      if (const auto before = run.level_before.find(k); before != run.level_before.end()) m.level = before->second;
    }
    out.push_back(std::move(m));
  }
  return out;
}

wire::Level Ingest::site_level(std::string_view enterprise, std::string_view site) const {
  for (const auto& s : rollup()) {
    if (s.enterprise == enterprise && s.site == site) return s.level;
  }
  return Level::normal;
}

std::vector<SiteRollup> Ingest::rollup() const {
  // per site, per quantity, per point: the highest process level
  using Site = std::pair<std::string, std::string>;
  std::map<Site, std::map<std::string, std::map<std::string, Level>>> by_site;
  for (const auto& [k, e] : points_) by_site[{k.enterprise, k.site}][e.quantity][k.point];
  for (const auto& [k, a] : alarms_) {
    if (!is_process(k.kind)) continue;
    auto& l = by_site[{k.point.enterprise, k.point.site}][a.quantity][k.point.point];
    l = std::max(l, a.alarm.level);
  }
  std::vector<SiteRollup> out;
  for (const auto& [where, quantities] : by_site) {
    SiteRollup s{where.first, where.second, Level::normal, {}};
    std::vector<Level> levels_of_quantities;
    for (const auto& [q, points] : quantities) {
      std::vector<Level> levels;
      for (const auto& [p, l] : points) levels.push_back(l);
      QuantityRollup r{q, quantity_level(levels, config_.rollup), Level::normal, static_cast<int>(levels.size())};
      for (const auto l : levels) r.highest = std::max(r.highest, l);
      levels_of_quantities.push_back(r.level);
      s.quantities.push_back(std::move(r));
    }
    s.level = aggregator::site_level(levels_of_quantities);
    out.push_back(std::move(s));
  }
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
  if (up->kind == "status") return handle_status(up->gateway, payload, received_ms);
  return result;
}

void Ingest::apply(Batch& batch, const PointKey& key, RuleKind kind, const std::string& quantity, Level level,
                   const std::string& rule, std::optional<double> value, const std::string& unit,
                   std::int64_t ts_ms) {
  const AlarmKey ak{key, kind};
  Alarm current;
  if (const auto c = batch.changed.find(ak); c != batch.changed.end()) {
    current = c->second.alarm;
  } else if (const auto it = alarms_.find(ak); it != alarms_.end()) {
    current = it->second.alarm;
  }
  const auto t = apply_level(current, level, rule, ts_ms);
  if (!t) return;
  batch.level_before.emplace(ak, current.level);
  if (t->raised()) batch.rose.insert(ak);
  AlarmRecord a{key, kind, quantity, t->after, value, unit, ts_ms, false};
  // A new occurrence gets a new id, whatever opened it: a reading, a tick, a last will.
  if (t->opened()) a.alarm.id = ++last_alarm_id_;
  batch.changed[ak] = a;
  batch.changes.push_back(std::move(a));
}

void Ingest::judge_derived(Batch& batch, const PointKey& input, const wire::Reading& reading) {
  bool is_input = false;
  const std::int64_t ts_ms = reading.ts_ms;
  for (const auto& d : config_.derived) {
    if (d.enterprise != input.enterprise || d.site != input.site) continue;
    if (std::find(d.rule.inputs.begin(), d.rule.inputs.end(), input.point) == d.rule.inputs.end()) continue;
    if (reading.unit != "m") {
      // A pore pressure [kPa] or a head [m above the tip] is not an elevation: say so once.
      if (warned_.insert("derived " + input.point).second) {
        log::warn("rules", input.enterprise + "/" + input.site + " " + input.point + ": an input of derived point " +
                               d.rule.point + " must be an elevation in m, not " + reading.unit + "; ignored");
      }
      return;
    }
    if (!is_input) derived_inputs_[input] = *reading.value;
    is_input = true;
    std::map<std::string, double> inputs;
    for (const auto& p : d.rule.inputs) {
      if (const auto it = derived_inputs_.find({d.enterprise, d.site, p}); it != derived_inputs_.end()) {
        inputs[p] = it->second;
      }
    }
    const auto v = derive(d.rule, inputs);
    if (!v) continue;
    const PointKey key{d.enterprise, d.site, d.rule.point};
    Level& held = derived_judged_[key];
    if (held == Level::normal) {
      if (const auto it = alarms_.find({key, RuleKind::derived}); it != alarms_.end()) held = it->second.alarm.level;
    }
    held = level_of(d.rule.lines, *v, held);
    const std::string quantity(to_string(d.rule.kind));
    apply(batch, key, RuleKind::derived, quantity, held, d.rule.lines.name, v, "m", ts_ms);
    // Its value is a reading of the derived point: live status and history show it.
    wire::Reading r{d.rule.point, quantity, v, "m", ts_ms, wire::Quality::good, wire::DeviceStatus::ok};
    batch.derived.push_back({std::move(r), held});
  }
}

void Ingest::judge_clock(Batch& work, const wire::GatewayAddress& gw, const wire::ReadingsBatch& batch,
                         std::int64_t received_ms) {
  if (batch.readings.empty()) return;
  std::int64_t newest = batch.readings.front().ts_ms;
  for (const auto& r : batch.readings) newest = std::max(newest, r.ts_ms);
  const std::int64_t offset = newest - received_ms;
  // Ahead is certain: nothing arrives before it is made. Behind is certain only for a live
  // batch (made on this connection of its gateway, sent at once) while the listener has been
  // up long enough that it cannot have waited in the broker for us.
  const bool may_judge_behind = !batch.backfill && listener_up_since_ms_ > 0 &&
                                received_ms - listener_up_since_ms_ >= CLOCK_TOLERANCE_MS;
  Level level = Level::normal;
  std::string rule = "gateway.clock";
  if (offset > CLOCK_TOLERANCE_MS) {
    level = SYSTEM_FAULT_LEVEL;
    rule = "gateway.clock_ahead";
  } else if (offset < -CLOCK_TOLERANCE_MS) {
    if (!may_judge_behind) return;
    level = SYSTEM_FAULT_LEVEL;
    rule = "gateway.clock_behind";
  }
  apply(work, {gw.enterprise, gw.site, gw.gateway + ".clock"}, RuleKind::system_fault, "gateway_clock", level, rule,
        static_cast<double>(offset / 1000), "s", received_ms);
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
    result.reason = "gateway: " + log::quoted(batch.gateway) + " does not match the topic's gateway " + log::quoted(gw.gateway);
    return result;
  }
  // A new outbox (a wiped data directory) numbers from 1 again: its batches are not the
  // ones stored under those numbers, and a duplicate's acknowledgement would make the
  // gateway forget them unstored.
  std::optional<OutboxEpoch> new_epoch;
  if (batch.epoch) {
    const std::optional<OutboxEpoch> known = store_.outbox_epoch(gw);
    if (known && known->epoch == *batch.epoch) {
      if (batch.seq < known->since) return renumber(gw, batch, known->since - 1);  // sent before it renumbered
    } else {
      const std::uint64_t newest = newest_seq(gw).value_or(0);
      // Renumbered while it keeps any number already used (`oldest`, not only this batch's:
      // one lost on the way would be renumbered onto this one's later). The first epoch a
      // gateway names (a new gateway, or one from before epochs) owns its numbers.
      if (known && std::min(batch.seq, batch.oldest.value_or(batch.seq)) <= newest) return renumber(gw, batch, newest);
      new_epoch = OutboxEpoch{*batch.epoch, known ? newest + 1 : 0};
    }
  }
  if (store_.has_batch(gw, batch.seq)) {
    ++counters_.duplicates;
    result.outcome = IngestResult::Outcome::duplicate;
    result.delivery = delivery(gw, batch);  // a batch sent again: its gateway did not hear the first answer
    return result;
  }

  // Stored and judged in time order: a backfill comes as it was kept, and a window must see
  // its values in the order they were measured.
  std::stable_sort(batch.readings.begin(), batch.readings.end(),
                   [](const wire::Reading& a, const wire::Reading& b) { return a.ts_ms < b.ts_ms; });

  IngestRecord record;
  record.gateway = gw;
  record.batch = &batch;
  record.received_ms = received_ms;
  record.new_epoch = new_epoch;
  // A batch numbered past the next expected one reveals a gap; late batches fill it later.
  const auto gw_id = std::make_tuple(gw.enterprise, gw.site, gw.gateway);
  const std::optional<std::uint64_t> max_seq = newest_seq(gw);
  if (max_seq && batch.seq > *max_seq + 1) {
    record.gaps.push_back({gw, *max_seq + 1, batch.seq - 1, received_ms, batch.seq - 1 - *max_seq});
  }

  Batch work;
  record.levels.reserve(batch.readings.size());
  for (const auto& r : batch.readings) {
    const PointKey key{gw.enterprise, gw.site, r.point};
    auto& entry = point_entry(key, r.quantity, gw.gateway);
    const Evaluation ev = evaluate(entry.rules, entry.state, r, received_ms, batch.seq);
    if (!ev.note.empty() && r.is_valid() && warned_.insert(r.point).second) {
      log::warn("rules", gw.enterprise + "/" + gw.site + " " + r.point + ": " + ev.note);
    }
    for (const auto& k : ev.levels) apply(work, key, k.kind, r.quantity, k.level, k.rule, k.value, k.unit, r.ts_ms);
    // A reading ends a communication loss at once, not at the next tick.
    if (const auto c = alarms_.find({key, RuleKind::comm_loss});
        c != alarms_.end() && c->second.alarm.level != Level::normal) {
      const auto j = judge_comm(entry.rules.comm, entry.state.comm, received_ms);
      apply(work, key, RuleKind::comm_loss, r.quantity, j.level, j.rule.empty() ? "comm" : j.rule, std::nullopt, "",
            received_ms);
    }
    if (ev.in_order && r.is_valid()) judge_derived(work, key, r);
    // The level stored with the reading: the highest process alarm of the point after it.
    Level level = Level::normal;
    for (const RuleKind kind : {RuleKind::threshold, RuleKind::rate, RuleKind::tangent_angle, RuleKind::accumulation}) {
      const AlarmKey ak{key, kind};
      if (const auto c = work.changed.find(ak); c != work.changed.end()) {
        level = std::max(level, c->second.alarm.level);
      } else if (const auto it = alarms_.find(ak); it != alarms_.end()) {
        level = std::max(level, it->second.alarm.level);
      }
    }
    record.levels.push_back(level);
  }
  // Only the newest batch tells of the clock now: a hole filled late was made before.
  if (!max_seq || batch.seq > *max_seq) judge_clock(work, gw, batch, received_ms);
  // A backfill is history until it ends: its changes are kept with their events, marked
  // quiet so that notifications skip them; what still stands when it ends pages then.
  std::vector<wire::AlarmMessage> ended;
  if (batch.backfill) {
    for (auto& a : work.changes) a.quiet = true;
    for (auto& [k, a] : work.changed) a.quiet = true;
    for (const auto& [k, l] : work.level_before) record.backfill_marks.push_back({gw, k, l, work.rose.contains(k), received_ms});
  } else if (backfills_.contains(gw_id)) {
    ended = end_backfill(gw_id);
    record.ends_backfill = true;
  }
  record.alarm_changes = work.changes;
  record.derived = std::move(work.derived);
  store_.ingest(record);  // throws before anything is counted or changed if the database refuses
  if (batch.backfill) {
    auto& run = backfills_[gw_id];
    for (const auto& [k, l] : work.level_before) run.level_before.emplace(k, l);
    run.rose.insert(work.rose.begin(), work.rose.end());
    run.last_ms = received_ms;
  }
  for (auto& [k, a] : work.changed) alarms_[k] = std::move(a);
  result.alarms = std::move(ended);  // the backfill's end comes before this batch's news
  for (const auto& a : work.changes) result.alarms.push_back(to_message(a));
  max_seq_[gw_id] = std::max(max_seq.value_or(0), batch.seq);
  result.delivery = delivery(gw, batch);
  ++counters_.accepted;
  counters_.gaps += record.gaps.size();
  counters_.readings += batch.readings.size();
  result.outcome = IngestResult::Outcome::accepted;
  return result;
}

std::optional<std::uint64_t> Ingest::newest_seq(const wire::GatewayAddress& gw) {
  const auto known = max_seq_.find({gw.enterprise, gw.site, gw.gateway});
  if (known != max_seq_.end()) return known->second;
  return store_.max_seq(gw);
}

Delivery Ingest::delivery(const wire::GatewayAddress& gw, const wire::ReadingsBatch& batch) {
  Delivery d{gw, {}};
  d.ack.stored = store_.advance_delivery(gw, batch.oldest.value_or(0), batch.seq);
  const std::uint64_t newest = newest_seq(gw).value_or(0);
  // Something later is stored, the next one is not: it was lost on its way (a broker that
  // crashed, an aggregator killed after the broker handed it over); ask for it again.
  if (newest > d.ack.stored) d.ack.resend_from = d.ack.stored + 1;
  return d;
}

IngestResult Ingest::renumber(const wire::GatewayAddress& gw, const wire::ReadingsBatch& batch, std::uint64_t after) {
  if (told_renumber_.insert({{gw.enterprise, gw.site, gw.gateway}, batch.epoch.value_or(0)}).second) {
    log::warn("ingest", gw.enterprise + "/" + gw.site + " gateway " + gw.gateway +
                            ": batches from a new outbox (data directory wiped?) under numbers already stored, up to " +
                            std::to_string(after) + "; asked it to number after them");
  }
  ++counters_.renumbered;
  IngestResult result;
  result.outcome = IngestResult::Outcome::renumber;
  // stored 0: nothing of this outbox is acknowledged until it has numbers of its own.
  result.delivery = Delivery{gw, wire::DeliveryAck{0, std::nullopt, after}};
  return result;
}

IngestResult Ingest::handle_status(const wire::GatewayAddress& gw, std::string_view payload,
                                   std::int64_t received_ms) {
  IngestResult result;
  const auto decoded = wire::decode_status(payload);
  if (const auto* err = std::get_if<wire::DecodeError>(&decoded)) {
    ++counters_.rejected;
    result.outcome = IngestResult::Outcome::rejected;
    result.reason = err->reason;
    return result;
  }
  const auto& status = std::get<wire::GatewayStatus>(decoded);
  if (status.gateway != gw.gateway) {
    ++counters_.rejected;
    result.outcome = IngestResult::Outcome::rejected;
    result.reason = "gateway: " + log::quoted(status.gateway) + " does not match the topic's gateway " + log::quoted(gw.gateway);
    return result;
  }
  store_.gateway_status(gw, status.online, std::string(payload), received_ms);
  result.outcome = IngestResult::Outcome::accepted;
  // online = false is the last will (or a clean stop): every point of the gateway has lost
  // its data path. online = true ends that; each point's own silence still counts.
  Batch work;
  for (auto& [key, e] : points_) {
    if (key.enterprise != gw.enterprise || key.site != gw.site || e.gateway != gw.gateway) continue;
    if (status.online && !e.state.comm.gateway_offline) continue;
    e.state.comm.gateway_offline = !status.online;
    const auto j = judge_comm(e.rules.comm, e.state.comm, received_ms);
    apply(work, key, RuleKind::comm_loss, e.quantity, j.level, j.rule, std::nullopt, "", received_ms);
  }
  // Its storage (protocol.md "Gateway status"): one alarm per gateway, on the point
  // "{gateway}.storage"; only a gateway that runs can say, so a last will leaves it as it is.
  if (status.online) {
    const bool fault = status.storage.faulty();
    apply(work, {gw.enterprise, gw.site, gw.gateway + ".storage"}, RuleKind::system_fault, "gateway_storage",
          fault ? SYSTEM_FAULT_LEVEL : Level::normal, "gateway." + (fault ? status.storage.fault : "storage"),
          std::nullopt, "", received_ms);
  }
  store_.record_alarms(work.changes);
  for (auto& [k, a] : work.changed) alarms_[k] = std::move(a);
  for (const auto& a : work.changes) result.alarms.push_back(to_message(a));
  return result;
}

std::vector<wire::AlarmMessage> Ingest::end_backfill(const GatewayId& gateway) {
  std::vector<wire::AlarmMessage> out;
  const auto it = backfills_.find(gateway);
  if (it == backfills_.end()) return out;
  for (const auto& [k, before] : it->second.level_before) {
    const auto a = alarms_.find(k);
    if (a == alarms_.end()) continue;
    const Level now = a->second.alarm.level;
    const bool rose_and_fell = it->second.rose.contains(k) && now <= before;
    if (now == before || rose_and_fell) continue;
    a->second.quiet = false;  // it stands: news now
    out.push_back(to_message(a->second));
  }
  backfills_.erase(it);
  return out;
}

std::vector<wire::AlarmMessage> Ingest::own_storage(bool fault, std::int64_t now_ms) {
  std::set<std::pair<std::string, std::string>> sites;
  for (const auto& [k, e] : points_) sites.emplace(k.enterprise, k.site);
  for (const auto& [k, a] : alarms_) sites.emplace(k.point.enterprise, k.point.site);
  for (const auto& e : config_.enterprises) {
    for (const auto& [site, division] : e.sites) sites.emplace(e.id, site);
  }
  Batch work;
  for (const auto& [enterprise, site] : sites) {
    apply(work, {enterprise, site, OWN_STORAGE_POINT}, RuleKind::system_fault, "aggregator_storage",
          fault ? SYSTEM_FAULT_LEVEL : Level::normal, fault ? "aggregator.write_refused" : "aggregator.storage",
          std::nullopt, "", now_ms);
  }
  for (const auto& [k, a] : work.changed) alarms_[k] = a;
  unstored_.insert(unstored_.end(), work.changes.begin(), work.changes.end());
  if (!fault && !unstored_.empty()) {
    try {
      store_.record_alarms(unstored_);
      unstored_.clear();
    } catch (const std::exception&) {
      // Refused again: kept for the next time; the caller hears of the refusal by its next write.
    }
  }
  std::vector<wire::AlarmMessage> out;
  for (const auto& a : work.changes) out.push_back(to_message(a));
  return out;
}

std::vector<wire::AlarmMessage> Ingest::tick(std::int64_t now_ms) {
  std::vector<wire::AlarmMessage> ended;
  std::vector<GatewayId> silent;
  for (const auto& [gw, run] : backfills_) {
    if (now_ms - run.last_ms >= BACKFILL_END_MS) silent.push_back(gw);
  }
  for (const auto& gw : silent) {
    store_.end_backfill({std::get<0>(gw), std::get<1>(gw), std::get<2>(gw)});
    auto e = end_backfill(gw);
    ended.insert(ended.end(), e.begin(), e.end());
  }
  Batch work;
  for (auto& [key, e] : points_) {
    // Known from before a restart, not heard since: the silence is counted from now.
    if (e.state.comm.last_received_ms < 0) e.state.comm.last_received_ms = now_ms;
    const auto j = judge_comm(e.rules.comm, e.state.comm, now_ms);
    apply(work, key, RuleKind::comm_loss, e.quantity, j.level, j.rule.empty() ? "comm" : j.rule, std::nullopt, "",
          now_ms);
  }
  store_.record_alarms(work.changes);
  for (auto& [k, a] : work.changed) alarms_[k] = std::move(a);
  std::vector<wire::AlarmMessage> out = std::move(ended);
  for (const auto& a : work.changes) out.push_back(to_message(a));
  return out;
}

LatchResetResult Ingest::reset_latch(const PointKey& point, std::int64_t now_ms, const std::string& who,
                                     const std::string& comment) {
  LatchResetResult out;
  const auto it = points_.find(point);
  if (it == points_.end() || !it->second.rules.threshold) {
    out.reason = "no threshold rule watches " + point.point;
    return out;
  }
  auto& e = it->second;
  const auto r = aggregator::reset_latch(e.rules.threshold->latch_at, e.state.latch, e.state.threshold_judged);
  out.done = r.done;
  out.reason = r.reason;
  if (!r.done) return out;
  Batch work;
  apply(work, point, RuleKind::threshold, e.quantity, e.state.delay.shown, e.rules.threshold->rule.name,
        std::nullopt, "", now_ms);
  if (who.empty()) {
    store_.record_alarms(work.changes);
  } else {
    // A person's reset: one audited event, whether or not the level moves with it.
    const AlarmKey ak{point, RuleKind::threshold};
    const auto old = alarms_.find(ak);
    AlarmRecord before;
    if (old != alarms_.end()) before = old->second;
    const AlarmRecord now = work.changes.empty() ? before : work.changes.back();
    AlarmEvent ev = audit_event(before.alarm, now, "latch_reset", now_ms);
    ev.key = point;
    ev.kind = RuleKind::threshold;
    ev.who = who;
    ev.comment = comment;
    if (old != alarms_.end() || !work.changes.empty()) store_.record_alarm_action(now, ev);
    out.event = ev;
  }
  for (auto& [k, a] : work.changed) alarms_[k] = std::move(a);
  for (const auto& a : work.changes) out.alarms.push_back(to_message(a));
  return out;
}

}  // namespace lookout::aggregator
