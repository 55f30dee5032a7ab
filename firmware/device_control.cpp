#include "firmware/device_control.hpp"

#include <algorithm>
#include <limits>

namespace lookout::firmware {

DeviceControl::DeviceControl(const DeviceSpec& spec)
    : name_(spec.name),
      profile_(spec.profile),
      heartbeat_s_(spec.profile != nullptr && spec.profile->heartbeat ? spec.heartbeat_s : 0),
      poll_ms_(spec.poll_ms),
      fast_poll_ms_(spec.fast_poll_ms) {}

void DeviceControl::want_outputs(const std::map<std::string, bool>& coils) {
  if (profile_ == nullptr || profile_->outputs.empty()) return;
  if (!owns_outputs_ || coils != wanted_) coils_dirty_ = true;
  owns_outputs_ = true;
  wanted_ = coils;
}

void DeviceControl::want_fast(bool fast) { fast_wanted_ = fast; }

std::int64_t DeviceControl::period_ms() const { return fast_wanted_ && fast_poll_ms_ > 0 ? fast_poll_ms_ : poll_ms_; }

bool DeviceControl::heartbeat_due(std::int64_t now_ms) const {
  return heartbeat_s_ > 0 && (!heartbeat_set_ || now_ms >= next_heartbeat_ms_);
}

std::vector<DeviceWrite> DeviceControl::due(std::int64_t now_ms) const {
  std::vector<DeviceWrite> out;
  // A silent device gets no writes: they would only wait out timeouts the other devices on
  // the bus need. Everything is written again when a poll finds it back.
  if (offline_ || now_ms < retry_after_ms_) return out;
  if (heartbeat_due(now_ms)) {
    DeviceWrite w;
    w.kind = DeviceWrite::Kind::holding;
    w.address = profile_->heartbeat->address;
    w.value = static_cast<std::uint16_t>(heartbeat_s_);
    w.what = "heartbeat timeout " + std::to_string(heartbeat_s_) + " s";
    w.routine = heartbeat_set_;
    out.push_back(std::move(w));
  }
  if (owns_outputs_ && coils_dirty_) {
    const auto [lo, hi] = std::minmax_element(profile_->outputs.begin(), profile_->outputs.end(),
                                              [](const OutputCoil& a, const OutputCoil& b) { return a.address < b.address; });
    DeviceWrite w;
    w.kind = DeviceWrite::Kind::coils;
    w.address = lo->address;
    w.coils.assign(static_cast<std::size_t>(hi->address - lo->address + 1), false);
    w.what = "coils";
    for (const auto& o : profile_->outputs) {
      const auto it = wanted_.find(std::string(o.name));
      const bool on = it != wanted_.end() && it->second;
      w.coils[o.address - lo->address] = on;
      w.what += " " + std::string(o.name) + "=" + (on ? "1" : "0");
    }
    out.push_back(std::move(w));
  }
  if (profile_ != nullptr && profile_->fast_mode && fast_written_ != fast_wanted_) {
    DeviceWrite w;
    w.kind = DeviceWrite::Kind::holding;
    w.address = profile_->fast_mode->address;
    w.value = fast_wanted_ ? profile_->fast_mode->fast : profile_->fast_mode->normal;
    w.what = std::string("mode ") + (fast_wanted_ ? "fast" : "normal") + " (" + std::to_string(w.value) + ")";
    out.push_back(std::move(w));
  }
  return out;
}

std::int64_t DeviceControl::next_due_ms(std::int64_t now_ms) const {
  if (offline_) return std::numeric_limits<std::int64_t>::max();
  const bool waiting = (owns_outputs_ && coils_dirty_) || (heartbeat_s_ > 0 && !heartbeat_set_) ||
                       (profile_ != nullptr && profile_->fast_mode && fast_written_ != fast_wanted_);
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  if (waiting) next = std::max(now_ms, retry_after_ms_);
  if (heartbeat_s_ > 0 && heartbeat_set_) next = std::min(next, std::max(next_heartbeat_ms_, retry_after_ms_));
  return next;
}

void DeviceControl::done(const DeviceWrite& write, bool ok, std::int64_t now_ms) {
  if (!ok) {
    // 1 s, 2 s, 4 s ... up to 30 s while a device answers polls but refuses writes.
    retry_after_ms_ = now_ms + std::min(MAX_RETRY_MS, RETRY_MS << std::min(failures_, 5));
    ++failures_;
    return;
  }
  failures_ = 0;
  const bool heartbeat = write.kind == DeviceWrite::Kind::holding && profile_->heartbeat &&
                         write.address == profile_->heartbeat->address;
  const bool mode = write.kind == DeviceWrite::Kind::holding && profile_->fast_mode &&
                    write.address == profile_->fast_mode->address;
  if (heartbeat) heartbeat_set_ = true;
  if (write.kind == DeviceWrite::Kind::coils) coils_dirty_ = false;
  if (mode) fast_written_ = write.value == profile_->fast_mode->fast;
  // Any write restarts the module's heartbeat timer.
  if (heartbeat_s_ > 0) next_heartbeat_ms_ = now_ms + std::max<std::int64_t>(1000, heartbeat_s_ * 1000LL / 3);
}

void DeviceControl::after_poll(const std::vector<wire::Reading>& readings, bool answered) {
  if (!answered) {
    offline_ = true;
    return;
  }
  if (offline_) {
    // Back after silence: it may have restarted with its defaults.
    offline_ = false;
    heartbeat_set_ = false;
    coils_dirty_ = owns_outputs_;
    fast_written_.reset();
  }
  if (!owns_outputs_) return;
  for (const auto& r : readings) {
    if (!r.is_valid() || !r.point.starts_with(name_ + ".")) continue;
    const std::string coil = r.point.substr(name_.size() + 1);
    if (find_output(*profile_, coil) == nullptr) continue;
    const auto it = wanted_.find(coil);
    const bool want = it != wanted_.end() && it->second;
    if ((*r.value == 1.0) != want) coils_dirty_ = true;
  }
}

}  // namespace lookout::firmware
