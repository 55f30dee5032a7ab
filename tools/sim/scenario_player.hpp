#pragma once
// Plays a scenario inside the simulator's poll loop: each event is a control "set" on its
// device when its time comes. time_scale speeds it up (60: a scenario minute a real second),
// so hours of rising water play in seconds in a test. The devices' own clocks (warm-up, rain
// rate, GNSS epochs, heartbeat) keep real time.

#include <functional>
#include <string>

#include "tools/sim/device_set.hpp"
#include "tools/sim/poll_source.hpp"
#include "tools/sim/scenario.hpp"

namespace lookout::sim {

class ScenarioPlayer final : public PollSource {
 public:
  /// `say` gets one line (no newline) per event with a note, per refused event, and at the end.
  ScenarioPlayer(Scenario scenario, DeviceSet& devices, Clock::time_point start, Clock::time_point devices_start,
                 double time_scale, std::function<void(const std::string&)> say);

  void add_poll_fds(std::vector<pollfd>& /*fds*/) const override {}
  void on_poll(std::span<const pollfd> ready) override;
  int poll_timeout_ms(Clock::time_point now) const override;

  /// Applies every event due at `now`; on_poll calls it.
  void advance(Clock::time_point now);
  bool finished() const { return finished_; }
  const Scenario& scenario() const { return scenario_; }

 private:
  /// [s] scenario time of the next event, counting loops.
  double next_time() const;

  Scenario scenario_;
  DeviceSet& devices_;
  Clock::time_point start_;
  Clock::time_point devices_start_;  ///< the devices' power-on, for their uptime
  double scale_;
  std::function<void(const std::string&)> say_;
  std::size_t next_ = 0;
  std::size_t cycle_ = 0;
  bool finished_ = false;
};

}  // namespace lookout::sim
