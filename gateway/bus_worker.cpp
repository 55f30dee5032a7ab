#include "gateway/bus_worker.hpp"

#include <algorithm>

#include "firmware/log.hpp"

namespace lookout::gateway {

BusWorker::BusWorker(const BusConfig& config, ReadingsSink sink)
    : name_(config.name), sink_(std::move(sink)), bus_(std::make_unique<LibmodbusBus>(config)) {
  alive_ms_ = clock_.monotonic_ms();
  for (const auto& d : config.devices) pollers_.emplace_back(d);
}

BusWorker::~BusWorker() { stop(); }

void BusWorker::start() {
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

void BusWorker::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
  }
}

bool BusWorker::poll_now(const std::string& device) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    std::size_t i = 0;
    while (i < pollers_.size() && pollers_[i].spec().name != device) ++i;
    if (i == pollers_.size()) return false;
    poll_now_.push_back(i);
  }
  wake_.notify_all();
  return true;
}

std::vector<BusWorker::DeviceReport> BusWorker::report() const {
  std::lock_guard<std::mutex> g(mutex_);
  std::vector<DeviceReport> out;
  for (const auto& p : pollers_) out.push_back({p.spec().name, p.online(), p.counters()});
  return out;
}

void BusWorker::run(std::stop_token stop) {
  std::vector<std::int64_t> periods;
  for (const auto& p : pollers_) periods.push_back(p.spec().poll_ms);
  firmware::PollSchedule schedule(periods, {}, clock_.monotonic_ms());
  std::mutex sleep_mutex;
  while (!stop.stop_requested()) {
    alive_ms_ = clock_.monotonic_ms();
    {
      std::lock_guard<std::mutex> g(mutex_);
      for (const auto i : poll_now_) schedule.poll_now(i, clock_.monotonic_ms());
      poll_now_.clear();
    }
    const std::size_t next = schedule.next();
    const std::int64_t wait_ms = schedule.due_ms(next) - clock_.monotonic_ms();
    if (wait_ms > 0) {
      // Sleep at most 1 s at a time, so the thread shows it is alive to the watchdog.
      std::unique_lock<std::mutex> lk(sleep_mutex);
      wake_.wait_for(lk, stop, std::chrono::milliseconds(std::min<std::int64_t>(wait_ms, 1000)), [this] {
        std::lock_guard<std::mutex> g(mutex_);
        return !poll_now_.empty();
      });
      continue;
    }
    std::vector<wire::Reading> readings;
    const bool read = schedule.should_read(next, clock_.monotonic_ms());
    bool answered = false;
    {
      std::lock_guard<std::mutex> g(mutex_);
      auto& poller = pollers_[next];
      if (!read) {
        readings = poller.offline_readings(clock_.utc_ms());  // backing off: the bus is left to the others
      } else {
        const bool was_online = poller.online();
        readings = poller.poll(*bus_, clock_);
        answered = poller.online();
        if (was_online && !answered) {
          log::warn("bus " + name_, "device " + poller.spec().name + " stopped answering: " +
                                        poller.counters().last_error + "; probing with backoff");
        } else if (!was_online && answered) {
          log::info("bus " + name_, "device " + poller.spec().name + " answering");
        } else if (!answered && poller.counters().polls == 1) {
          log::warn("bus " + name_, "device " + poller.spec().name + " does not answer: " + poller.counters().last_error);
        }
      }
    }
    schedule.record(next, read, answered, clock_.monotonic_ms());
    sink_(std::move(readings));
  }
}

}  // namespace lookout::gateway
