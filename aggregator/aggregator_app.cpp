#include "aggregator/aggregator_app.hpp"

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio.hpp>
#include <algorithm>
#include <atomic>
#include <optional>
#include <iterator>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "aggregator/alarm_desk.hpp"
#include "aggregator/auth.hpp"
#include "aggregator/delivery_acks.hpp"
#include "aggregator/event_hub.hpp"
#include "aggregator/http_server.hpp"
#include "aggregator/ingest_queue.hpp"
#include "aggregator/open_files.hpp"
#include "aggregator/ingest.hpp"
#include "aggregator/mqtt_link.hpp"
#include "aggregator/readiness.hpp"
#include "aggregator/notify/dispatcher.hpp"
#include "aggregator/sqlite_store.hpp"
#include "firmware/log.hpp"
#include "firmware/wire/topics.hpp"

namespace lookout::aggregator {
namespace {

/// [bytes] of a received message's topic in a log line: a valid one is shorter (three names
/// of at most 64 and the fixed levels).
constexpr std::size_t MAX_TOPIC_LOGGED = 256;

std::int64_t utc_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string iso_time(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// One line per alarm change on stdout, for the operator's terminal.
void print_alarm(const wire::AlarmMessage& a) {
  char value[32] = "null";
  if (a.value) std::snprintf(value, sizeof value, "%g", *a.value);
  std::cout << "ALARM " << iso_time(a.ts_ms) << " " << wire::to_string(a.level) << " " << a.state << " "
            << a.enterprise << "/" << a.site << " " << a.point << " " << a.quantity << "=" << value << " " << a.unit
            << " (" << a.rule << ")" << std::endl;
}

Divisions divisions_of(const AggregatorConfig& c) {
  Divisions d;
  for (const auto& e : c.enterprises) {
    d.set_enterprise(e.id, e.division);
    for (const auto& [site, code] : e.sites) d.set_site(e.id, site, code);
  }
  return d;
}

/// The HTTP limits of the configuration, the connection cap kept within the files this
/// process may open (raised to its hard limit first), said in the log.
HttpLimits http_limits(const AggregatorConfig& c) {
  const std::uint64_t files = raise_open_files_limit();
  HttpLimits l{c.http_rate, c.http_burst, {}};
  l.connections.total = http_connection_cap(static_cast<std::size_t>(c.http_max_connections), files);
  l.connections.per_client = static_cast<std::size_t>(c.http_max_connections_per_client);
  log::info("http", "up to " + std::to_string(l.connections.total) + " connections, " +
                        std::to_string(l.connections.per_client) + " per client address (open files: up to " +
                        std::to_string(files) + ")");
  return l;
}

}  // namespace

struct AggregatorApp::Impl {
  explicit Impl(AggregatorConfig c)
      : config(std::move(c)),
        store(config.database),
        ingest(config, store),
        desk(ingest, store),
        divisions(divisions_of(config)),
        api(store, ingest, desk, divisions, hub),
        server(io, config.http_host, config.http_port, api, hub, http_limits(config), utc_ms),
        inbox(
            io, [this](const std::string& topic, const std::string& payload) { on_message(topic, payload); },
            monotonic_ms, [this] { turn_begin(); }, [this] { turn_end(); }),
        mqtt(
            config,
            [this](std::string topic, std::string payload) { inbox.push(std::move(topic), std::move(payload)); },
            [this] { boost::asio::post(io, [this] { republish_alarms(); }); }),
        outbox(config.database),
        notifier(io, config.notify, &outbox) {
    notifier.seed(ingest.alarms_as_told(), utc_ms());
    api.add_metrics([this] { return storage_metrics() + notifier.metrics(); });
    api.health_from([this](std::int64_t now_ms) { return notifier.health(now_ms); });
    api.readiness_from([this](std::int64_t) {
      ReadinessFacts f;
      f.broker = config.mqtt_uri;
      f.listener_connected = mqtt.listener_connected();
      f.publisher_connected = mqtt.publisher_connected();
      f.store_error = store_error;
      f.ingest_pending = inbox.pending();
      f.ingest_lag_ms = inbox.lag_ms();
      f.channels = notifier.channels();
      return readiness_problems(f);
    });
    desk.on_change([this](const AlarmRecord& a, const AlarmEvent& e) {
      const auto message = ingest.message_of(a);
      announce(message, &e);
      // A person's change too: an acknowledgement stops the repeats.
      notifier.on_alarms({message}, utc_ms());
    });
  }

  /// An alarm moved: the operator's terminal, the retained topic, the event stream.
  /// Printed (the operator's notification) only when it pages: a quiet (backfilled) change
  /// is stored and retained but not news.
  void announce(const wire::AlarmMessage& a, const AlarmEvent* by_person) {
    if (a.page) print_alarm(a);
    const std::string payload = wire::encode(a);
    mqtt.publish_retained(wire::alarm_topic(a.enterprise, a.site, a.point, a.kind), payload);
    auto j = nlohmann::json::parse(payload);
    if (by_person != nullptr) {
      j["event"] = {{"action", by_person->action}, {"who", by_person->who}, {"comment", by_person->comment}};
    }
    // A token's name is any bytes its maker typed: replaced, never a throw.
    hub.publish("alarm", a.enterprise, a.site, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

  /// A turn of messages from the broker is one transaction: one sync to disk for all of it.
  void turn_begin() {
    try {
      store.begin_turn();
      turn_open = true;
    } catch (const std::exception& e) {
      // Each message then commits on its own: slower, as safe.
      log::error("ingest", std::string("cannot open a transaction for a turn: ") + e.what());
    }
  }

  void on_message(const std::string& topic, const std::string& payload) {
    IngestResult r;
    try {
      r = ingest.handle(topic, payload, utc_ms());
    } catch (const std::exception& e) {
      store_failed(log::escape(topic, MAX_TOPIC_LOGGED) + ": not stored", e.what());
      return;
    }
    if (r.outcome == IngestResult::Outcome::rejected) {
      log::warn("ingest", "rejected message on " + log::escape(topic, MAX_TOPIC_LOGGED) + ": " + r.reason);
      return;
    }
    if (r.outcome == IngestResult::Outcome::accepted) turn_stored = true;
    if (r.delivery) acks.add(*r.delivery);
    if (!r.alarms.empty()) turn_alarms.push_back(std::move(r.alarms));
  }

  /// The turn on disk, then what it changed goes out: alarm states, notifications, and the
  /// gateways' acknowledgements. Never before: an acknowledged batch is one the gateway
  /// forgets, and a change published but not kept would be undone by a restart.
  void turn_end() {
    auto alarms = std::move(turn_alarms);
    turn_alarms.clear();
    const bool stored = std::exchange(turn_stored, false);
    try {
      // Without a turn (turn_begin failed) each message committed on its own.
      if (std::exchange(turn_open, false)) store.commit_turn();
    } catch (const std::exception& e) {
      store_failed("a turn of messages was not stored (their gateways keep them and send them again)", e.what());
      acks.drop();
      ingest.reload();  // what this turn changed in memory is not on disk
      return;
    }
    if (stored && store_error) {
      log::info("ingest", "the database takes writes again, after " + std::to_string(store_failures - failures_said) +
                              " refused; stopped refusing after: " + *store_error);
      failures_said = store_failures;
      store_error.reset();
      publish(ingest.own_storage(false, utc_ms()));
    }
    for (const auto& a : alarms) publish(a);
    for (const auto& [topic, payload] : acks.take(monotonic_ms())) mqtt.publish(topic, payload);
  }

  /// A write the database refused (a full disk, an I/O error): said once when it starts,
  /// with an alarm at every site (held in memory: published and notified, stored when the
  /// database takes writes again), and /healthz answers 503 until a write succeeds;
  /// counted every time.
  void store_failed(const std::string& what, const std::string& why) {
    ++store_failures;
    const bool onset = !store_error;
    store_error = why;
    if (!onset) return;
    log::error("ingest", what + ": " + why);
    publish(ingest.own_storage(true, utc_ms()));
  }

  std::string storage_metrics() const {
    return "# HELP lookout_store_failures_total Writes of received messages the database refused (not acknowledged: "
           "their gateways keep them).\n# TYPE lookout_store_failures_total counter\nlookout_store_failures_total " +
           std::to_string(store_failures) +
           "\n# HELP lookout_store_ok 1 while the database takes writes; 0 from a refused write to the next that "
           "succeeds.\n# TYPE lookout_store_ok gauge\nlookout_store_ok " +
           (store_error ? "0" : "1") + "\n";
  }

  /// Alarm changes no person made (readings, silence, a last will): each one is a change
  /// of its alarm; a process rule's alarm is also a change of the point's level.
  void publish(const std::vector<wire::AlarmMessage>& alarms) {
    for (const auto& a : alarms) {
      if (a.kind != "comm_loss" && a.kind != "sensor_fault" && a.kind != "system_fault") {
        hub.publish("level", a.enterprise, a.site,
                    nlohmann::json{{"enterprise", a.enterprise},
                                   {"site", a.site},
                                   {"point", a.point},
                                   {"kind", a.kind},
                                   {"quantity", a.quantity},
                                   {"level", wire::to_string(a.level)},
                                   {"value", a.value ? nlohmann::json(*a.value) : nlohmann::json(nullptr)},
                                   {"unit", a.unit},
                                   {"ts", a.ts_ms}}
                        .dump());
      }
      announce(a, nullptr);
    }
    // One batch's changes together, so one event at a site is one grouped message. A quiet
    // change (a backfill under way) is not news, nor a level the notifier should take as
    // told: when the backfill ends, what still stands comes again, paging.
    std::vector<wire::AlarmMessage> news;
    std::copy_if(alarms.begin(), alarms.end(), std::back_inserter(news), [](const auto& a) { return a.page; });
    notifier.on_alarms(news, utc_ms());
  }

  /// Once a second: communication loss; once an hour: retention.
  void watch(std::int64_t now_ms) {
    if (now_ms - last_watch_ms < 1000) return;
    last_watch_ms = now_ms;
    try {
      publish(ingest.tick(now_ms));
      notifier.tick(now_ms);
      if (now_ms - last_prune_ms >= 3'600'000) {
        last_prune_ms = now_ms;
        const auto& keep = config.retention;
        const auto r = store.prune(now_ms, std::int64_t{keep.raw_days} * 86'400'000,
                                   std::int64_t{keep.hourly_days} * 86'400'000);
        if (r.readings_deleted > 0 || r.hours_deleted > 0) {
          log::info("retention", std::to_string(r.readings_deleted) + " raw readings summarised into hours and "
                                 "deleted, " + std::to_string(r.hours_deleted) + " hourly rows deleted");
        }
      }
    } catch (const std::exception& e) {
      log::error("aggregator", std::string("periodic work failed: ") + e.what());
    }
  }

  /// After every (re)connection: the retained alarm topics show what the database holds.
  void republish_alarms() {
    for (const auto& a : ingest.current_alarms()) {
      mqtt.publish_retained(wire::alarm_topic(a.enterprise, a.site, a.point, a.kind), wire::encode(a));
    }
  }

  void tick() {
    mqtt.maintain(monotonic_ms());
    // Noticed within a tick: a connection seen late only makes the clock judgement wait longer.
    if (!mqtt.listener_connected()) {
      listener_up_since = 0;
    } else if (listener_up_since == 0) {
      listener_up_since = utc_ms();
    }
    ingest.listener_up_since(listener_up_since);
    try {
      desk.expire(utc_ms());
    } catch (const std::exception& e) {
      log::error("alarms", std::string("shelving expiry not stored: ") + e.what());
    }
    watch(utc_ms());
    timer.expires_after(std::chrono::milliseconds(250));
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }

  boost::asio::io_context io;
  AggregatorConfig config;
  SqliteStore store;
  Ingest ingest;
  AlarmDesk desk;
  Divisions divisions;
  EventHub hub;
  HttpApi api;
  HttpServer server;
  DeliveryAcks acks;                                  ///< of the turn under way
  std::vector<std::vector<wire::AlarmMessage>> turn_alarms;  ///< per message of the turn under way
  bool turn_stored = false;                           ///< a batch of the turn was accepted
  bool turn_open = false;                             ///< the turn under way is one transaction
  IngestQueue inbox;  ///< before the MQTT link, which pushes into it until it is gone
  MqttLink mqtt;
  notify::Outbox outbox;  ///< before the notifier, which uses it until it is gone
  notify::Dispatcher notifier;
  boost::asio::steady_timer timer{io};
  std::int64_t last_watch_ms = 0;
  std::int64_t last_prune_ms = 0;
  std::int64_t listener_up_since = 0;  ///< [ms UTC] Ingest::listener_up_since()
  // For /healthz (readiness.hpp), on the io thread.
  std::optional<std::string> store_error;
  std::uint64_t store_failures = 0;  ///< writes of received messages refused, since start
  std::uint64_t failures_said = 0;   ///< store_failures when the last recovery was logged
};

AggregatorApp::AggregatorApp(AggregatorConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

AggregatorApp::~AggregatorApp() = default;

int AggregatorApp::run() {
  auto& io = impl_->io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info("aggregator", std::string("stopping on ") + (signo == SIGTERM ? "SIGTERM" : "SIGINT"));
    impl_->server.stop();
    impl_->timer.cancel();
    io.stop();
  });
  const auto ep = impl_->server.endpoint();
  const std::string host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
  std::cout << "HTTP API listening on http://" << host << ":" << ep.port() << "/api/v1/status" << std::endl;
  log::info("aggregator", "database " + impl_->config.database.string() + ", broker " + impl_->config.mqtt_uri);
  impl_->server.start();
  impl_->tick();
  io.run();
  impl_->mqtt.stop();
  log::info("aggregator", "stopped");
  return 0;
}

}  // namespace lookout::aggregator
