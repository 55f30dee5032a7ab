#include "firmware/device_poller.hpp"

#include <stdexcept>

namespace lookout::firmware {

DevicePoller::DevicePoller(DeviceSpec spec) : spec_(std::move(spec)) {
  if (spec_.profile == nullptr) throw std::invalid_argument("device " + spec_.name + ": no profile");
  const auto issues = check_options(*spec_.profile, spec_.options);
  if (!issues.empty()) {
    std::string text = "device " + spec_.name + ":";
    for (const auto& i : issues) text += " " + i.message + ";";
    text.pop_back();
    throw std::invalid_argument(text);
  }
  plan_ = plan_reads(*spec_.profile, spec_.max_gap);
  for (const auto& c : device_channels(*spec_.profile, spec_.options)) {
    last_channels_.push_back({c.channel, c.quantity, c.unit, std::nullopt, wire::Quality::bad,
                              wire::DeviceStatus::offline});
  }
}

std::vector<wire::Reading> DevicePoller::poll(ModbusBus& bus, const Clock& clock) {
  ++counters_.polls;
  std::vector<std::vector<std::uint16_t>> answers(plan_.size());
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    const auto& r = plan_[i];
    const BusResult res = bus.read_registers(spec_.unit, r.kind, r.start, r.count, answers[i]);
    if (!res.ok() || answers[i].size() != r.count) {
      ++counters_.errors;
      ++counters_.consecutive_failures;
      switch (res.error) {
        case BusError::timeout: ++counters_.timeouts; break;
        case BusError::exception: ++counters_.exceptions; break;
        case BusError::bad_frame: ++counters_.bad_frames; break;
        default: break;
      }
      counters_.last_error = res.ok() ? "short answer" : res.message;
      return offline_readings(clock.utc_ms());
    }
  }
  const std::int64_t ts = clock.utc_ms();  // taken when the last answer arrived
  counters_.consecutive_failures = 0;
  const auto values =
      spec_.profile->interpret(decode_fields(*spec_.profile, plan_, answers), spec_.options, state_);
  remember(values);
  std::vector<wire::Reading> out;
  out.reserve(values.size());
  for (const auto& v : values) {
    out.push_back({spec_.name + "." + v.channel, v.quantity, v.value, v.unit, v.measured_ms.value_or(ts), v.quality,
                   v.status});
  }
  return out;
}

std::vector<wire::Reading> DevicePoller::offline_readings(std::int64_t ts_ms) const {
  std::vector<wire::Reading> out;
  for (const auto& c : last_channels_) {
    out.push_back({spec_.name + "." + c.channel, c.quantity, std::nullopt, c.unit, ts_ms, wire::Quality::bad,
                   wire::DeviceStatus::offline});
  }
  return out;
}

DeviceState DevicePoller::kept_state() const {
  DeviceState out;
  for (const auto name : spec_.profile->kept_state) {
    if (const auto v = state_.get(name)) out.set(name, *v);
  }
  return out;
}

void DevicePoller::restore(const DeviceState& kept) {
  for (const auto name : spec_.profile->kept_state) {
    if (const auto v = kept.get(name)) state_.set(name, *v);
  }
}

void DevicePoller::remember(const std::vector<ChannelValue>& values) {
  for (const auto& v : values) {
    if (v.quantity.empty() || v.status == wire::DeviceStatus::invalid_response) continue;
    bool known = false;
    for (auto& c : last_channels_) {
      if (c.channel == v.channel) {
        c.quantity = v.quantity;
        c.unit = v.unit;
        known = true;
      }
    }
    if (!known) {
      last_channels_.push_back({v.channel, v.quantity, v.unit, std::nullopt, wire::Quality::bad,
                                wire::DeviceStatus::offline});
    }
  }
}

}  // namespace lookout::firmware
