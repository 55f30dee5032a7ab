#pragma once
// One thread per bus: one transaction at a time on it, each device at its own period; a
// silent device is probed in the bus's idle time only (firmware::PollSchedule::step).

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "firmware/device_control.hpp"
#include "firmware/device_poller.hpp"
#include "firmware/poll_schedule.hpp"
#include "gateway/kept_state.hpp"
#include "gateway/libmodbus_bus.hpp"
#include "gateway/system_clock.hpp"

namespace lookout::gateway {

class BusWorker {
 public:
  using ReadingsSink = std::function<void(std::vector<wire::Reading>)>;
  /// Told what a device keeps across restarts each time it changes, always after the
  /// readings that changed it went to the ReadingsSink (so it is never stored before them).
  using KeptSink = std::function<void(KeptState)>;

  /// `restored`: what devices kept in the previous run; an entry of another model is ignored.
  BusWorker(const BusConfig& config, ReadingsSink sink, KeptSink kept_sink = {},
            const std::vector<KeptState>& restored = {});
  ~BusWorker();
  BusWorker(const BusWorker&) = delete;
  BusWorker& operator=(const BusWorker&) = delete;

  void start();
  void stop();
  const std::string& name() const { return name_; }
  /// Polls the named device at once; false when this bus has no such device.
  bool poll_now(const std::string& device);

  /// An output module's coils as they should be (edge interlocks); false when this bus has
  /// no such device. Written at once, on this bus's thread.
  bool set_outputs(const std::string& device, const std::map<std::string, bool>& coils);
  /// A device's fast pace (a warning holds) or normal; false when this bus has no such device.
  bool set_fast(const std::string& device, bool fast);

  /// One device's state for the status message.
  struct DeviceReport {
    std::string name;
    bool online = false;
    firmware::DeviceCounters counters;
    std::uint64_t writes = 0;
    std::uint64_t write_errors = 0;
  };
  /// Every device's report, copied under one lock.
  std::vector<DeviceReport> report() const;
  /// [ms, monotonic] when the bus thread last went round its loop: a hung bus stops it.
  std::int64_t last_alive_ms() const { return alive_ms_; }

 private:
  void run(std::stop_token stop);
  /// Makes the writes due on every device; returns when the next is due [ms, monotonic].
  std::int64_t make_writes(firmware::PollSchedule& schedule, std::vector<std::int64_t>& periods);
  std::size_t index_of(const std::string& device) const;

  /// After a poll of `device`: tells kept_sink_ what it keeps, when that changed.
  void pass_on_kept(std::size_t device);

  std::string name_;
  ReadingsSink sink_;
  KeptSink kept_sink_;
  std::vector<firmware::DeviceState> kept_;  // per device: as last passed on (bus thread only)
  SystemClock clock_;
  std::unique_ptr<LibmodbusBus> bus_;
  int timeout_ms_;               // the bus's own patience, given back after a probe
  int retries_;
  int probe_timeout_ms_;            // a probe of a silent device: one attempt, at most this long
  std::int64_t probe_overhead_ms_;  // what a probe holds the bus besides waiting for the answer
  std::vector<firmware::DevicePoller> pollers_;
  std::vector<firmware::DeviceControl> controls_;  // one per poller, guarded by mutex_
  mutable std::mutex mutex_;  // guards pollers_' counters against status readers, controls_ against the edge
  bool control_changed_ = false;  // guarded by mutex_
  std::vector<std::pair<std::uint64_t, std::uint64_t>> write_counts_;  // per device: (writes, failed), guarded by mutex_
  std::condition_variable_any wake_;
  std::vector<std::size_t> poll_now_;  // guarded by mutex_
  std::atomic<std::int64_t> alive_ms_{0};
  std::jthread thread_;
};

}  // namespace lookout::gateway
