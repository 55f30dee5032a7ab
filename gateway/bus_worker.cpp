#include "gateway/bus_worker.hpp"

#include <algorithm>
#include <limits>

#include "firmware/log.hpp"

namespace lookout::gateway {
namespace {

// [ms] besides its timeout, what a probe may take: the request's own transmission and the
// thread's wake-up. 9600 baud sends a read request (8 bytes of 11 bits) in 9 ms; the rest
// is room for a loaded machine's scheduling, so a probe ends before the next poll.
constexpr std::int64_t PROBE_MARGIN_MS = 50;

}  // namespace

BusWorker::BusWorker(const BusConfig& config, ReadingsSink sink, KeptSink kept_sink,
                     const std::vector<KeptState>& restored)
    : name_(config.name),
      sink_(std::move(sink)),
      kept_sink_(std::move(kept_sink)),
      bus_(std::make_unique<LibmodbusBus>(config)),
      timeout_ms_(config.timeout_ms),
      retries_(config.retries),
      probe_timeout_ms_(config.probe_timeout_ms > 0 ? config.probe_timeout_ms : config.timeout_ms),
      probe_overhead_ms_(PROBE_MARGIN_MS + config.frame_gap_us / 1000 + 1) {
  alive_ms_ = clock_.monotonic_ms();
  for (const auto& d : config.devices) {
    pollers_.emplace_back(d);
    controls_.emplace_back(d);
    auto& poller = pollers_.back();
    for (const auto& k : restored) {
      if (k.device == d.name && k.model == poller.spec().profile->model) poller.restore(k.state);
    }
    kept_.push_back(poller.kept_state());
  }
  write_counts_.resize(pollers_.size());
}

void BusWorker::pass_on_kept(std::size_t device) {
  if (!kept_sink_) return;
  firmware::DeviceState now;
  std::string name;
  std::string model;
  {
    std::lock_guard<std::mutex> g(mutex_);
    now = pollers_[device].kept_state();
    name = pollers_[device].spec().name;
    model = std::string(pollers_[device].spec().profile->model);
  }
  if (now.all() == kept_[device].all()) return;
  kept_[device] = now;
  kept_sink_({std::move(name), std::move(model), std::move(now)});
}

std::size_t BusWorker::index_of(const std::string& device) const {
  std::size_t i = 0;
  while (i < pollers_.size() && pollers_[i].spec().name != device) ++i;
  return i;
}

bool BusWorker::set_outputs(const std::string& device, const std::map<std::string, bool>& coils) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    const auto i = index_of(device);
    if (i == pollers_.size()) return false;
    controls_[i].want_outputs(coils);
    control_changed_ = true;
  }
  wake_.notify_all();
  return true;
}

bool BusWorker::set_fast(const std::string& device, bool fast) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    const auto i = index_of(device);
    if (i == pollers_.size()) return false;
    controls_[i].want_fast(fast);
    control_changed_ = true;
  }
  wake_.notify_all();
  return true;
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
    const auto i = index_of(device);
    if (i == pollers_.size()) return false;
    poll_now_.push_back(i);
  }
  wake_.notify_all();
  return true;
}

std::vector<BusWorker::DeviceReport> BusWorker::report() const {
  std::lock_guard<std::mutex> g(mutex_);
  std::vector<DeviceReport> out;
  for (std::size_t i = 0; i < pollers_.size(); ++i) {
    out.push_back({pollers_[i].spec().name, pollers_[i].online(), pollers_[i].counters(), write_counts_[i].first,
                   write_counts_[i].second});
  }
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
    const std::int64_t writes_due_ms = make_writes(schedule, periods);
    const auto step = schedule.step(clock_.monotonic_ms(), probe_timeout_ms_, probe_overhead_ms_, writes_due_ms);
    if (step.kind == firmware::PollStep::Kind::wait) {
      const std::int64_t wait_ms = std::min(step.until_ms, writes_due_ms) - clock_.monotonic_ms();
      if (wait_ms <= 0) continue;  // a write is due
      // Sleep at most 1 s at a time, so the thread shows it is alive to the watchdog.
      std::unique_lock<std::mutex> lk(sleep_mutex);
      wake_.wait_for(lk, stop, std::chrono::milliseconds(std::min<std::int64_t>(wait_ms, 1000)), [this] {
        std::lock_guard<std::mutex> g(mutex_);
        return !poll_now_.empty() || control_changed_;
      });
      continue;
    }
    const std::size_t device = step.device;
    const bool probe = step.kind == firmware::PollStep::Kind::probe;
    const bool read = step.kind != firmware::PollStep::Kind::offline;
    std::vector<wire::Reading> readings;
    bool answered = false;
    {
      std::lock_guard<std::mutex> g(mutex_);
      auto& poller = pollers_[device];
      if (!read) {
        readings = poller.offline_readings(clock_.utc_ms());  // silent: the bus is left to the others
      } else {
        const bool was_online = poller.online();
        // A probe asks once, within its own timeout, in a gap it cannot overrun.
        if (probe) bus_->set_patience(static_cast<int>(step.timeout_ms), 0);
        readings = poller.poll(*bus_, clock_);
        if (probe) bus_->set_patience(timeout_ms_, retries_);
        answered = poller.online();
        controls_[device].after_poll(readings, answered);
        if (was_online && !answered) {
          log::warn("bus " + name_, "device " + poller.spec().name + " stopped answering: " +
                                        poller.counters().last_error + "; probing with backoff in idle time");
        } else if (!was_online && answered) {
          log::info("bus " + name_, "device " + poller.spec().name + " answering");
        } else if (!answered && poller.counters().polls == 1) {
          log::warn("bus " + name_, "device " + poller.spec().name + " does not answer: " + poller.counters().last_error);
        }
      }
    }
    if (probe) {
      schedule.record_probe(device, answered, clock_.monotonic_ms());
      if (!answered) continue;  // its offline readings go at its period; a failed probe adds none
    } else {
      schedule.record(device, read, answered, clock_.monotonic_ms());
    }
    sink_(std::move(readings));
    if (answered) pass_on_kept(device);  // after its readings, never before
  }
}

std::int64_t BusWorker::make_writes(firmware::PollSchedule& schedule, std::vector<std::int64_t>& periods) {
  std::vector<std::pair<std::size_t, firmware::DeviceWrite>> writes;
  {
    std::lock_guard<std::mutex> g(mutex_);
    control_changed_ = false;
    const auto now = clock_.monotonic_ms();
    for (std::size_t i = 0; i < controls_.size(); ++i) {
      // A warning started or ended: the device's poll period follows at once.
      if (controls_[i].period_ms() != periods[i]) {
        periods[i] = controls_[i].period_ms();
        schedule.set_period(i, periods[i]);
        log::info("bus " + name_, "device " + pollers_[i].spec().name + " polled every " +
                                      std::to_string(periods[i]) + " ms" + (controls_[i].fast() ? " (warning)" : ""));
      }
      for (auto& w : controls_[i].due(now)) writes.emplace_back(i, std::move(w));
    }
  }
  // The writes go out on this thread, one transaction at a time like the polls.
  for (const auto& [i, w] : writes) {
    const auto& spec = pollers_[i].spec();
    const auto result = w.kind == firmware::DeviceWrite::Kind::coils
                            ? bus_->write_coils(spec.unit, w.address, w.coils)
                            : bus_->write_register(spec.unit, w.address, w.value);
    std::lock_guard<std::mutex> g(mutex_);
    auto& c = controls_[i];
    c.done(w, result.ok(), clock_.monotonic_ms());
    ++write_counts_[i].first;
    if (!result.ok()) ++write_counts_[i].second;
    if (!result.ok()) {
      log::warn("bus " + name_, "device " + spec.name + ": " + w.what + " not written: " + result.message +
                                    "; trying again in " + std::to_string(firmware::DeviceControl::RETRY_MS) + " ms");
      break;  // one failure at a time: the bus may be down, polls go on
    }
    if (!w.routine) {
      log::info("bus " + name_, "device " + spec.name + ": wrote " + w.what);
    }
  }
  std::lock_guard<std::mutex> g(mutex_);
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const auto& c : controls_) next = std::min(next, c.next_due_ms(clock_.monotonic_ms()));
  return next;
}

}  // namespace lookout::gateway
