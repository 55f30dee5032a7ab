#include "gateway/gateway_app.hpp"

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio.hpp>

#include "firmware/log.hpp"
#include "firmware/wire/topics.hpp"

namespace lookout::gateway {
namespace {

// Batches kept in memory while the broker is out of reach; the oldest go first.
constexpr std::size_t MAX_UNSENT_BATCHES = 20000;

}  // namespace

GatewayApp::GatewayApp(SiteConfig site)
    : site_(std::move(site)), counters_(site_.data_dir), started_ms_(clock_.monotonic_ms()) {
  const std::string status_topic = wire::up_topic(site_.address, "status");
  uplink_ = std::make_unique<MqttUplink>(site_.mqtt, site_.address.enterprise + "/" + site_.address.gateway,
                                         status_topic, wire::encode(status(false)), [this] { status_due_ = true; });
  for (const auto& b : site_.buses) {
    workers_.push_back(std::make_unique<BusWorker>(b, [this](std::vector<wire::Reading> r) { on_readings(std::move(r)); }));
  }
}

GatewayApp::~GatewayApp() {
  for (auto& w : workers_) w->stop();
}

void GatewayApp::on_readings(std::vector<wire::Reading> readings) {
  std::lock_guard<std::mutex> g(pending_mutex_);
  for (auto& r : readings) pending_.push_back(std::move(r));
}

wire::GatewayStatus GatewayApp::status(bool online) const {
  wire::GatewayStatus s;
  s.gateway = site_.address.gateway;
  s.online = online;
  s.firmware = FIRMWARE_VERSION;
  s.boot = counters_.boot();
  s.uptime_s = (clock_.monotonic_ms() - started_ms_) / 1000;
  s.ts_ms = clock_.utc_ms();
  s.site_hash = site_.hash;
  for (const auto& w : workers_) {
    const auto online_flags = w->online();
    for (const auto& [name, c] : w->counters()) {
      bool on = false;
      for (const auto& [n, o] : online_flags) {
        if (n == name) on = o;
      }
      s.devices[name] = {on ? "online" : "offline", c.polls, c.errors};
    }
  }
  return s;
}

void GatewayApp::publish_status() {
  if (uplink_->publish(wire::up_topic(site_.address, "status"), wire::encode(status(true)), true)) {
    status_due_ = false;
    next_status_ms_ = clock_.monotonic_ms() + site_.status_interval_s * 1000LL;
  }
}

void GatewayApp::tick() {
  const std::int64_t now = clock_.monotonic_ms();
  uplink_->maintain(now);
  const bool connected = uplink_->connected();

  std::vector<wire::Reading> readings;
  {
    std::lock_guard<std::mutex> g(pending_mutex_);
    readings.swap(pending_);
  }
  if (!readings.empty()) {
    wire::ReadingsBatch batch;
    batch.gateway = site_.address.gateway;
    batch.seq = counters_.next_seq();
    batch.boot = counters_.boot();
    batch.backfill = !connected || !unsent_.empty();
    batch.readings = std::move(readings);
    unsent_.push_back(std::move(batch));
    while (unsent_.size() > MAX_UNSENT_BATCHES) {
      dropped_readings_ += unsent_.front().readings.size();
      log::warn("gateway", "buffer full: dropped batch " + std::to_string(unsent_.front().seq));
      unsent_.pop_front();
    }
  }
  if (!connected) return;
  if (status_due_ || now >= next_status_ms_) publish_status();
  const std::string topic = wire::up_topic(site_.address, "readings");
  while (!unsent_.empty()) {
    if (!uplink_->publish(topic, wire::encode(unsent_.front()), false)) break;
    unsent_.pop_front();
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
                           site_.address.site + " starting, boot " + std::to_string(counters_.boot()) +
                           ", broker " + site_.mqtt.uri);
  for (auto& w : workers_) w->start();
  uplink_->maintain(clock_.monotonic_ms());
  schedule();
  io.run();

  for (auto& w : workers_) w->stop();
  try {
    tick();  // hand over what was polled before the stop
  } catch (const std::exception& e) {
    log::error("gateway", std::string("final flush failed: ") + e.what());
  }
  uplink_->stop(wire::up_topic(site_.address, "status"), wire::encode(status(false)));
  log::info("gateway", "stopped");
  return exit_status;
}

}  // namespace lookout::gateway
