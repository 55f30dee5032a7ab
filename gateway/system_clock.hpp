#pragma once
// firmware::Clock on the operating system's clocks.

#include <chrono>

#include "firmware/clock.hpp"

namespace lookout::gateway {

class SystemClock final : public firmware::Clock {
 public:
  std::int64_t utc_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t monotonic_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace lookout::gateway
