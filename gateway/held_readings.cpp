#include "gateway/held_readings.hpp"

#include <algorithm>
#include <iterator>

namespace lookout::gateway {

HeldReadings::HeldReadings(std::size_t max_readings) : max_readings_(std::max<std::size_t>(max_readings, 1)) {}

void HeldReadings::hold(std::vector<wire::Reading> readings, std::int64_t created_ms, std::vector<KeptState> kept) {
  for (auto& k : kept) {
    const std::string device = k.device;
    kept_[device] = std::move(k);
  }
  if (readings.empty()) return;
  readings_ += readings.size();
  flushes_.push_back({created_ms, std::move(readings), {}});
  // Over the bound: the oldest readings go, from the front of the oldest flush.
  while (readings_ > max_readings_) {
    auto& oldest = flushes_.front().readings;
    const std::size_t n = std::min(oldest.size(), readings_ - max_readings_);
    oldest.erase(oldest.begin(), oldest.begin() + static_cast<std::ptrdiff_t>(n));
    readings_ -= n;
    dropped_ += n;
    if (oldest.empty()) flushes_.pop_front();
  }
}

HeldBatch HeldReadings::next(std::size_t max_readings) const {
  HeldBatch out;
  std::size_t flushes = 0;
  for (const auto& f : flushes_) {
    if (flushes > 0 && out.readings.size() + f.readings.size() > max_readings) break;
    if (flushes == 0) out.created_ms = f.created_ms;
    out.readings.insert(out.readings.end(), f.readings.begin(), f.readings.end());
    ++flushes;
  }
  if (flushes == flushes_.size()) {
    for (const auto& [device, k] : kept_) out.kept.push_back(k);
  }
  return out;
}

void HeldReadings::taken(const HeldBatch& batch) {
  std::size_t n = batch.readings.size();
  readings_ -= n;
  while (n > 0 && !flushes_.empty()) {
    n -= flushes_.front().readings.size();
    flushes_.pop_front();
  }
  if (flushes_.empty()) kept_.clear();
}

}  // namespace lookout::gateway
