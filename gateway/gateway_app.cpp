#include "gateway/gateway_app.hpp"

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio.hpp>

#include <filesystem>
#include <fstream>

#include "firmware/log.hpp"
#include "firmware/config/toml_checker.hpp"
#include "firmware/wire/topics.hpp"
#include "gateway/remote_request.hpp"

namespace lookout::gateway {
namespace {

// Batches handed to the uplink and not yet acknowledged by the broker, at most; also how
// many are sent again after the aggregator's silence (docs/protocol.md "Acknowledgements").
constexpr std::size_t SEND_WINDOW = 64;
// [ms] How long sent batches wait for the aggregator's acknowledgement before the oldest
// SEND_WINDOW of them are sent again, doubling while it stays silent. The aggregator answers
// within one turn of receiving a batch (milliseconds); draining a backlog of 20,000 batches
// after an outage takes it some seconds, and batches sent meanwhile wait behind it.
constexpr std::int64_t ACK_TIMEOUT_MS = 15'000;
constexpr std::int64_t MAX_ACK_TIMEOUT_MS = 240'000;
// [ms] a bus thread that has not gone round its loop for this long is hung: longer than
// any transaction (timeout x retries) and than its 1 s sleeps.
constexpr std::int64_t MAX_BUS_SILENCE_MS = 70000;
// Edge events kept for the uplink while it is down, at most; the oldest go first.
constexpr std::size_t MAX_QUEUED_EVENTS = 1000;

}  // namespace

GatewayApp::GatewayApp(SiteConfig site, const std::string& watchdog_device, int watchdog_timeout_s)
    : site_(std::move(site)),
      outbox_(site_.data_dir, site_.outbox_max_readings),
      feed_([this](const std::vector<wire::Reading>& r, std::int64_t created_ms,
                   const std::vector<KeptState>& k) { outbox_.append(r, created_ms, k); },
            [this](const std::vector<KeptState>& k) { outbox_.keep(k); }, site_.held_max_readings),
      latched_keeper_(site_.data_dir),
      started_ms_(clock_.monotonic_ms()),
      watchdog_(watchdog_device, watchdog_timeout_s),
      edge_(site_.interlocks, site_.warnings) {
  const std::string status_topic = wire::up_topic(site_.address, "status");
  uplink_ = std::make_unique<MqttUplink>(site_.mqtt, site_.address.enterprise + "/" + site_.address.site + "/" + site_.address.gateway,
                                         status_topic, wire::encode(status(false)), [this] { status_due_ = true; },
                                         wire::down_topic(site_.address, "#"), [this](std::string topic, std::string payload) {
                                           const auto slash = topic.rfind('/');
                                           std::string kind = topic.substr(slash + 1);
                                           std::lock_guard<std::mutex> g(pending_mutex_);
                                           if (kind != "ack") {
                                             requests_.emplace_back(std::move(kind), std::move(payload));
                                             return;
                                           }
                                           auto ack = wire::decode_ack(payload);
                                           if (auto* a = std::get_if<wire::DeliveryAck>(&ack)) {
                                             // A request to renumber is kept until acted on: the answers
                                             // after it may come first (a duplicate's).
                                             const auto renumber = ack_in_ ? ack_in_->renumber_after : std::nullopt;
                                             if (!ack_in_ || a->stored >= ack_in_->stored || a->renumber_after) ack_in_ = *a;
                                             if (!ack_in_->renumber_after) ack_in_->renumber_after = renumber;
                                           } else {
                                             log::warn("gateway", "ignored a message on down/ack: " + std::get<wire::DecodeError>(ack).reason);
                                           }
                                         });
  // What is in the outbox is what the aggregator has not acknowledged.
  const std::uint64_t oldest = outbox_.oldest_seq();
  acked_upto_ = oldest != 0 ? oldest - 1 : outbox_.last_seq();
  sent_upto_ = acked_upto_;
  const auto kept = outbox_.kept_states();  // XJ-GN1's last epoch: a solution is sent once, also across restarts
  for (const auto& b : site_.buses) {
    workers_.push_back(std::make_unique<BusWorker>(
        b, [this](std::vector<wire::Reading> r) { on_readings(std::move(r)); },
        [this](KeptState k) {
          std::lock_guard<std::mutex> g(pending_mutex_);
          pending_kept_[k.device] = std::move(k);
        },
        kept));
  }
  std::lock_guard<std::mutex> g(edge_mutex_);
  latched_ = latched_keeper_.load();
  edge_.restore_latched(latched_);
  for (const auto& name : edge_.latched()) {
    log::warn("gateway", "interlock " + name + " was latched before the restart: it stays tripped until reset");
  }
  apply_edge();  // the output modules get their coils at once, latched or all off
}

void GatewayApp::apply_edge() {
  for (const auto& [device, coils] : edge_.outputs()) {
    for (auto& w : workers_) w->set_outputs(device, coils);
  }
  const auto fast = edge_.fast_devices();
  for (const auto& warning : site_.warnings) {
    for (const auto& device : warning.devices) {
      for (auto& w : workers_) w->set_fast(device, fast.count(device) != 0);
    }
  }
  auto latched = edge_.latched();
  if (latched != latched_) {
    latched_ = latched;
    latched_keeper_.keep(std::move(latched));  // written on the keeper's thread, after the coils went
  }
}

void GatewayApp::queue_events(std::vector<firmware::edge::EdgeEvent> events) {
  for (auto& e : events) {
    const std::string line = e.kind + " " + e.name + " " + e.action + ": " + e.detail;
    if (e.action == "tripped" || e.action == "reset_refused") {
      log::warn("edge", line);
    } else {
      log::info("edge", line);
    }
    events_.push_back(std::move(e));
    if (events_.size() > MAX_QUEUED_EVENTS) events_.pop_front();
  }
}

void GatewayApp::publish_events() {
  std::lock_guard<std::mutex> g(edge_mutex_);
  const std::string topic = wire::up_topic(site_.address, "events");
  while (!events_.empty()) {
    if (!uplink_->publish(topic, firmware::edge::encode(site_.address.gateway, events_.front()), false)) return;
    events_.pop_front();
  }
}

GatewayApp::~GatewayApp() {
  for (auto& w : workers_) w->stop();
}

void GatewayApp::on_readings(std::vector<wire::Reading> readings) {
  if (!edge_.empty()) {
    // Edge safety first, on the polling thread: the coils change without waiting for the
    // uplink, the broker or the aggregator.
    std::lock_guard<std::mutex> g(edge_mutex_);
    auto events = edge_.on_readings(readings);
    if (!events.empty()) {
      apply_edge();  // the coils first: nothing before them may wait on the log or a disk
      queue_events(std::move(events));
    }
  }
  std::lock_guard<std::mutex> g(pending_mutex_);
  for (auto& r : readings) pending_.push_back(std::move(r));
}

wire::GatewayStatus GatewayApp::status(bool online) const {
  wire::GatewayStatus s;
  s.gateway = site_.address.gateway;
  s.online = online;
  s.firmware = FIRMWARE_VERSION;
  s.boot = outbox_.boot();
  s.uptime_s = (clock_.monotonic_ms() - started_ms_) / 1000;
  s.site_hash = site_.hash;
  s.outbox_batches = outbox_.depth_batches();
  s.outbox_readings = outbox_.depth_readings();
  s.dropped_readings = outbox_.dropped_readings();
  s.storage = feed_.status();
  s.storage.latched_saved = latched_keeper_.saved();
  for (const auto& w : workers_) {
    auto& bus = s.buses[w->name()];
    for (const auto& r : w->report()) {
      wire::DeviceCounters d;
      d.state = r.online ? "online" : "offline";
      d.polls = r.counters.polls;
      d.errors = r.counters.errors;
      d.timeouts = r.counters.timeouts;
      d.exceptions = r.counters.exceptions;
      d.bad_frames = r.counters.bad_frames;
      d.writes = r.writes;
      d.write_errors = r.write_errors;
      d.bus = w->name();
      s.devices[r.name] = d;
      ++bus.devices;
      bus.online += r.online ? 1 : 0;
      bus.polls += d.polls;
      bus.errors += d.errors;
      bus.timeouts += d.timeouts;
      bus.exceptions += d.exceptions;
      bus.bad_frames += d.bad_frames;
      bus.writes += d.writes;
      bus.write_errors += d.write_errors;
    }
  }
  // After the counters: every poll they count was stamped by then (a poll is counted and
  // stamped under its bus's lock), so none of the readings they count is later than ts.
  s.ts_ms = clock_.utc_ms();
  std::lock_guard<std::mutex> g(edge_mutex_);
  s.interlocks = edge_.interlock_states();
  return s;
}

void GatewayApp::publish_status() {
  if (uplink_->publish(wire::up_topic(site_.address, "status"), wire::encode(status(true)), true)) {
    status_due_ = false;
    next_status_ms_ = clock_.monotonic_ms() + site_.status_interval_s * 1000LL;
  }
}

void GatewayApp::flush_pending() {
  std::vector<wire::Reading> readings;
  std::vector<KeptState> kept;
  {
    std::lock_guard<std::mutex> g(pending_mutex_);
    readings.swap(pending_);
    for (auto& [device, k] : pending_kept_) kept.push_back(std::move(k));
    pending_kept_.clear();
  }
  // Into the outbox first: from here on a reading survives kill -9 and power cuts. What
  // devices keep goes in the same transaction, so it is never on disk without its readings.
  // An outbox that cannot take them (a full disk) leaves them held in memory: a fault
  // reported in the status, never a stop.
  feed_.put(std::move(readings), std::move(kept), clock_.utc_ms());
}

void GatewayApp::tick() {
  const std::int64_t now = clock_.monotonic_ms();
  uplink_->maintain(now);
  flush_pending();

  // Feed the watchdogs only while every bus thread goes round (a hung bus resets the board).
  bool alive = true;
  for (const auto& w : workers_) {
    if (now - w->last_alive_ms() > MAX_BUS_SILENCE_MS) alive = false;
  }
  if (alive) watchdog_.kick();

  if (!uplink_->connected()) {
    inflight_.clear();
    return;
  }
  if (uplink_->connections() != seen_connections_) {
    // A new connection: whatever was in flight may be lost, and so may what the broker held
    // (a crash): everything the aggregator has not acknowledged goes again, oldest first.
    seen_connections_ = uplink_->connections();
    live_after_seq_ = outbox_.last_seq();
    inflight_.clear();
    resend_until_ = 0;
    sent_upto_ = acked_upto_;
    ack_progress_ms_ = now;
    ack_timeout_ms_ = ACK_TIMEOUT_MS;
    status_due_ = true;
  }
  take_acknowledgement(now);
  handle_requests();
  publish_events();
  if (status_due_ || now >= next_status_ms_) publish_status();
  send_from_outbox();
}

void GatewayApp::answer(std::string_view event, const std::string& id, const std::vector<std::string>& errors) {
  uplink_->publish(wire::up_topic(site_.address, "events"),
                   encode_result(site_.address.gateway, clock_.utc_ms(), event, id, errors), false);
}

void GatewayApp::handle_requests() {
  std::vector<std::pair<std::string, std::string>> requests;
  {
    std::lock_guard<std::mutex> g(pending_mutex_);
    requests.swap(requests_);
  }
  for (const auto& [kind, payload] : requests) {
    const auto parsed = parse_remote_request(kind, payload);
    const std::string event = kind == "config" ? "config" : "command";
    if (const auto* err = std::get_if<RequestError>(&parsed)) {
      log::warn("gateway", "refused a request on down/" + log::escape(kind, log::MAX_FIELD_BYTES) + ": " + err->reason);
      answer(event, err->id, {err->reason});
      continue;
    }
    const auto& req = std::get<RemoteRequest>(parsed);
    if (const auto* p = std::get_if<PollNow>(&req.what)) {
      bool found = false;
      for (auto& w : workers_) found = w->poll_now(p->device) || found;
      answer(event, req.id, found ? std::vector<std::string>{} : std::vector<std::string>{"device: no device \"" + p->device + "\" on this gateway"});
    } else if (const auto* r = std::get_if<ResetInterlock>(&req.what)) {
      std::lock_guard<std::mutex> g(edge_mutex_);
      if (!r->interlock.empty() && !edge_.has_interlock(r->interlock)) {
        answer(event, req.id, {"interlock: no interlock \"" + r->interlock + "\" on this gateway"});
        continue;
      }
      queue_events(edge_.reset(r->interlock, "command", clock_.utc_ms()));
      apply_edge();
      answer(event, req.id, {});
    } else if (std::holds_alternative<PublishStatus>(req.what)) {
      status_due_ = true;
      answer(event, req.id, {});
    } else if (const auto* n = std::get_if<NewSiteFile>(&req.what)) {
      std::vector<std::string> errors;
      const bool ok = apply_site_file(n->text, errors);
      answer(event, req.id, errors);
      if (ok) {
        log::info("gateway", "new site file accepted; starting again with it");
        restart_ = true;
        if (stop_loop_) stop_loop_();
        return;
      }
      log::warn("gateway", "new site file refused: " + std::to_string(errors.size()) + " problem(s)");
    }
  }
}

bool GatewayApp::apply_site_file(const std::string& text, std::vector<std::string>& errors) {
  // Validated as a whole, applied as a whole or not at all.
  try {
    const SiteConfig next = parse_site(text, site_.file, board_);
    if (next.address.gateway != site_.address.gateway || next.address.enterprise != site_.address.enterprise ||
        next.address.site != site_.address.site) {
      errors.push_back("gateway: a site file received over MQTT may not change the gateway's id, enterprise or site");
      return false;
    }
  } catch (const config::ConfigErrors& e) {
    for (const auto& i : e.issues()) errors.push_back(i.str());
    return false;
  }
  const auto tmp = site_.file.string() + ".new";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      errors.push_back(tmp + ": cannot write the new site file");
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, site_.file, ec);
  if (ec) {
    errors.push_back(site_.file.string() + ": cannot replace the site file: " + ec.message());
    return false;
  }
  return true;
}

void GatewayApp::take_acknowledgement(std::int64_t now_ms) {
  std::optional<wire::DeliveryAck> ack;
  {
    std::lock_guard<std::mutex> g(pending_mutex_);
    ack.swap(ack_in_);
  }
  if (ack && ack->renumber_after) renumber(*ack->renumber_after, now_ms);
  if (ack) {
    if (ack->stored > acked_upto_) {
      outbox_.acknowledge(ack->stored);  // stored at the aggregator: these may go
      acked_upto_ = ack->stored;
      ack_progress_ms_ = now_ms;
      ack_timeout_ms_ = ACK_TIMEOUT_MS;
    }
    sent_upto_ = std::max(sent_upto_, acked_upto_);
    if (ack->resend_from && *ack->resend_from <= sent_upto_) {
      // The aggregator has later batches than this one: it was lost on the way.
      log::warn("gateway", "the aggregator asks for batches from " + std::to_string(*ack->resend_from) + " again");
      resend_until_ = std::max(resend_until_, sent_upto_);
      sent_upto_ = std::max(*ack->resend_from - 1, acked_upto_);
      inflight_.clear();
      ack_progress_ms_ = now_ms;
    }
  }
  if (sent_upto_ > acked_upto_ && now_ms - ack_progress_ms_ >= ack_timeout_ms_) {
    // Sent, taken by the broker, and never acknowledged: lost between the broker and the
    // aggregator's disk (an aggregator killed, a broker that crashed), or the aggregator is
    // away. The oldest window goes again beside the new batches, which keep flowing.
    log::warn("gateway", "no acknowledgement from the aggregator for " + std::to_string(ack_timeout_ms_ / 1000) +
                             " s; sending the oldest batches again");
    resend_oldest_ = true;
    resend_until_ = 0;  // a hole being filled when it fell silent: new batches go on meanwhile
    ack_progress_ms_ = now_ms;
    ack_timeout_ms_ = std::min(ack_timeout_ms_ * 2, MAX_ACK_TIMEOUT_MS);
  }
}

void GatewayApp::renumber(std::uint64_t after, std::int64_t now_ms) {
  std::uint64_t shift = 0;
  try {
    shift = outbox_.renumber_after(after);
  } catch (const OutboxError& e) {
    // Nothing changed; the aggregator answers the next batch sent the same way.
    log::error("gateway", std::string("cannot renumber the outbox: ") + e.what());
    return;
  }
  if (shift == 0) return;  // done already, on an earlier answer
  log::warn("gateway", "the aggregator has batches up to " + std::to_string(after) +
                           " from this gateway's earlier outbox (a wiped data directory): the unacknowledged batches go "
                           "again numbered from " + std::to_string(after + 1));
  // What was made before this connection is still backfill under its new number.
  live_after_seq_ = live_after_seq_ > acked_upto_ ? live_after_seq_ + shift : after;
  acked_upto_ = after;
  sent_upto_ = after;
  resend_until_ = 0;
  resend_oldest_ = false;
  inflight_.clear();
  ack_progress_ms_ = now_ms;
  ack_timeout_ms_ = ACK_TIMEOUT_MS;
}

void GatewayApp::send_from_outbox() {
  // The broker's acknowledgements pace the sending; the batches stay in the outbox until
  // the aggregator's (take_acknowledgement).
  while (!inflight_.empty() && MqttUplink::delivered(inflight_.front().second)) inflight_.pop_front();
  for (const auto& [seq, ticket] : inflight_) {
    if (MqttUplink::failed(ticket)) {
      log::warn("gateway", "batch " + std::to_string(seq) + " was not taken by the broker; sending again");
      std::uint64_t first = inflight_.front().first;
      for (const auto& f : inflight_) first = std::min(first, f.first);
      sent_upto_ = first - 1;
      inflight_.clear();
      break;
    }
  }
  const std::string topic = wire::up_topic(site_.address, "readings");
  const auto send = [&](const OutboxBatch& b, std::uint64_t oldest) {
    // Made before this connection: told by number, not by the clock, which may be set back.
    const bool backfill = b.seq <= live_after_seq_;
    auto ticket = uplink_->send(topic, wire::encode_readings_batch(site_.address.gateway, b.seq, b.boot, backfill,
                                                                   b.readings_json, oldest, outbox_.epoch()));
    if (!ticket) return false;
    inflight_.emplace_back(b.seq, std::move(ticket));
    return true;
  };
  if (resend_oldest_) {
    resend_oldest_ = false;
    const std::uint64_t oldest = outbox_.oldest_seq();
    for (const auto& b : outbox_.pending(acked_upto_, SEND_WINDOW)) {
      if (b.seq > sent_upto_ || !send(b, oldest)) break;
    }
  }
  while (inflight_.size() < SEND_WINDOW) {
    std::size_t room = SEND_WINDOW - inflight_.size();
    if (sent_upto_ < resend_until_) {
      // Sending again what went before: one window beyond what the aggregator has, so
      // that a hole is filled without sending a whole backlog twice.
      const std::uint64_t cap = std::min(resend_until_, acked_upto_ + SEND_WINDOW);
      if (sent_upto_ >= cap) return;
      room = std::min<std::size_t>(room, cap - sent_upto_);
    } else {
      resend_until_ = 0;
    }
    const auto batches = outbox_.pending(sent_upto_, room);
    if (batches.empty()) return;
    const std::uint64_t oldest = outbox_.oldest_seq();  // what the aggregator may still ask for
    if (sent_upto_ <= acked_upto_) ack_progress_ms_ = clock_.monotonic_ms();  // nothing was waiting: the wait starts now
    for (const auto& b : batches) {
      if (!send(b, oldest)) return;
      sent_upto_ = b.seq;
    }
  }
}

int GatewayApp::run() {
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  int exit_status = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info("gateway", std::string("stopping on ") + (signo == SIGTERM ? "SIGTERM" : "SIGINT"));
    io.stop();
  });
  boost::asio::steady_timer timer(io);
  stop_loop_ = [&io] { io.stop(); };
  std::function<void()> schedule = [&] {
    timer.expires_after(std::chrono::milliseconds(site_.publish_interval_ms));
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      try {
        tick();
      } catch (const std::exception& e) {
        log::error("gateway", std::string("tick failed: ") + e.what());
        exit_status = 1;
        io.stop();
        return;
      }
      schedule();
    });
  };

  log::info("gateway", "gateway " + site_.address.gateway + " of " + site_.address.enterprise + "/" +
                           site_.address.site + " starting, boot " + std::to_string(outbox_.boot()) +
                           ", outbox " + std::to_string(outbox_.depth_batches()) + " batch(es) waiting" +
                           ", broker " + site_.mqtt.uri);
  for (const auto& note : site_.notes) log::warn("gateway", "site file: " + note.str());  // departures from the standard
  for (auto& w : workers_) w->start();
  uplink_->maintain(clock_.monotonic_ms());
  watchdog_.ready();
  schedule();
  io.run();

  watchdog_.stopping();
  for (auto& w : workers_) w->stop();
  try {
    flush_pending();  // what was polled before the stop goes into the outbox; no new connection now
  } catch (const std::exception& e) {
    log::error("gateway", std::string("final flush failed: ") + e.what());
  }
  uplink_->stop(wire::up_topic(site_.address, "status"), wire::encode(status(false)));
  log::info("gateway", "stopped");
  return exit_status;
}

}  // namespace lookout::gateway
