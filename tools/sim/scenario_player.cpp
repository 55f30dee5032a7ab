#include "tools/sim/scenario_player.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lookout::sim {

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

}  // namespace

ScenarioPlayer::ScenarioPlayer(Scenario scenario, DeviceSet& devices, Clock::time_point start,
                               Clock::time_point devices_start, double time_scale,
                               std::function<void(const std::string&)> say)
    : scenario_(std::move(scenario)),
      devices_(devices),
      start_(start),
      devices_start_(devices_start),
      scale_(time_scale),
      say_(std::move(say)) {
  finished_ = scenario_.events.empty();
}

double ScenarioPlayer::next_time() const {
  return static_cast<double>(cycle_) * scenario_.loop.count() + scenario_.events[next_].at.count();
}

void ScenarioPlayer::advance(Clock::time_point now) {
  const double elapsed = std::chrono::duration<double>(now - start_).count() * scale_;
  while (!finished_ && next_time() <= elapsed) {
    const auto& e = scenario_.events[next_];
    const std::string prefix = "scenario " + scenario_.name + ": t=" + seconds_text(next_time()) + " s ";
    Device* device = devices_.find(e.device);
    const Seconds uptime = now - devices_start_;
    // A field a person set holds over the scenario until released.
    const bool held = devices_.held(e.device, e.field);
    SetError error;
    if (!device) {
      error = "no device '" + e.device + "'";
    } else if (!held) {
      error = device->set_field(e.field, e.value, uptime);
    }
    if (error) {
      say_(prefix + "set " + e.device + " " + e.field + " " + e.value + " refused (" + scenario_.file + ":" +
           std::to_string(e.line) + "): " + *error);
    } else if (!e.note.empty() && !held) {
      say_(prefix + e.note);
    }
    if (++next_ == scenario_.events.size()) {
      if (scenario_.loop.count() > 0.0) {
        next_ = 0;
        ++cycle_;
        say_("scenario " + scenario_.name + ": loop " + std::to_string(cycle_ + 1) + " starts at t=" +
             seconds_text(static_cast<double>(cycle_) * scenario_.loop.count()) + " s");
      } else {
        finished_ = true;
        say_("scenario " + scenario_.name + ": finished at t=" + seconds_text(scenario_.length().count()) + " s");
      }
    }
  }
}

void ScenarioPlayer::on_poll(std::span<const pollfd> /*ready*/) { advance(Clock::now()); }

int ScenarioPlayer::poll_timeout_ms(Clock::time_point now) const {
  if (finished_) return -1;
  const double wait_s = next_time() / scale_ - std::chrono::duration<double>(now - start_).count();
  if (wait_s <= 0.0) return 0;
  constexpr double MAX_WAIT_S = 60.0;  // poll() takes an int of ms: wake up now and then
  return static_cast<int>(std::ceil(std::min(wait_s, MAX_WAIT_S) * 1000.0));
}

}  // namespace lookout::sim
