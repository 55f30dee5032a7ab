#include "firmware/edge/edge_safety.hpp"

#include <algorithm>

namespace lookout::firmware::edge {

EdgeSafety::EdgeSafety(std::vector<InterlockSpec> interlocks, std::vector<WarningSpec> warnings) {
  for (auto& i : interlocks) interlocks_.emplace_back(std::move(i));
  for (auto& w : warnings) warnings_.emplace_back(std::move(w));
}

std::vector<EdgeEvent> EdgeSafety::on_readings(const std::vector<wire::Reading>& readings) {
  std::vector<EdgeEvent> events;
  for (const auto& r : readings) {
    for (auto& i : interlocks_) {
      if (i.spec().when.point != r.point) continue;
      if (auto e = i.on_reading(r)) events.push_back(std::move(*e));
    }
    for (auto& w : warnings_) {
      if (w.spec().when.point != r.point) continue;
      if (auto e = w.on_reading(r)) events.push_back(std::move(*e));
    }
    // A reset button: acted on when it goes down, not for as long as it is held.
    const auto dot = r.point.find('.');
    if (dot == std::string::npos || std::string_view(r.point).substr(dot + 1) != RESET_BUTTON_CHANNEL) continue;
    const std::string device = r.point.substr(0, dot);
    if (!r.is_valid()) continue;  // unreadable: neither pressed nor released
    const bool pressed = *r.value == 1.0;
    const bool was = button_[device];
    button_[device] = pressed;
    if (!pressed || was) continue;
    for (auto& i : interlocks_) {
      if (i.spec().device != device) continue;
      if (auto e = i.reset("button", r.ts_ms)) events.push_back(std::move(*e));
    }
  }
  return events;
}

std::vector<EdgeEvent> EdgeSafety::reset(std::string_view name, std::string_view by, std::int64_t ts_ms) {
  std::vector<EdgeEvent> events;
  for (auto& i : interlocks_) {
    if (!name.empty() && i.spec().name != name) continue;
    if (auto e = i.reset(by, ts_ms)) events.push_back(std::move(*e));
  }
  return events;
}

bool EdgeSafety::has_interlock(std::string_view name) const {
  return std::any_of(interlocks_.begin(), interlocks_.end(), [&](const Interlock& i) { return i.spec().name == name; });
}

std::map<std::string, std::map<std::string, bool>> EdgeSafety::outputs() const {
  std::map<std::string, std::map<std::string, bool>> out;
  for (const auto& i : interlocks_) {
    auto& coils = out[i.spec().device];
    for (const auto& c : i.spec().outputs) coils[c] = coils[c] || i.tripped();
  }
  return out;
}

std::set<std::string> EdgeSafety::fast_devices() const {
  std::set<std::string> out;
  for (const auto& w : warnings_) {
    if (w.active()) out.insert(w.spec().devices.begin(), w.spec().devices.end());
  }
  return out;
}

std::map<std::string, std::string> EdgeSafety::interlock_states() const {
  std::map<std::string, std::string> out;
  for (const auto& i : interlocks_) out[i.spec().name] = i.awaiting_reset() ? "awaiting_reset" : i.tripped() ? "tripped" : "idle";
  return out;
}

std::vector<std::string> EdgeSafety::latched() const {
  std::vector<std::string> out;
  for (const auto& i : interlocks_) {
    if (i.tripped() && i.spec().latch) out.push_back(i.spec().name);
  }
  return out;
}

void EdgeSafety::restore_latched(const std::vector<std::string>& names) {
  for (auto& i : interlocks_) {
    if (i.spec().latch && std::find(names.begin(), names.end(), i.spec().name) != names.end()) i.restore_tripped();
  }
}

}  // namespace lookout::firmware::edge
