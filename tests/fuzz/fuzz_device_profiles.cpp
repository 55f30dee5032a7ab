// libFuzzer target: Modbus response decoding of every device profile (firmware/profiles/,
// through DevicePoller as the gateway polls): a device on the bus answering any words, or
// failing, poll after poll. The fuzzer's bytes pick the model, its calibration options (the
// ones check_options accepts, numbers of a plausible size), then each answer.
// Whatever a device answers, every reading the poller makes must be one the aggregator
// accepts (decode_readings): a batch it rejects loses every other device's readings in it.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "firmware/device_poller.hpp"
#include "firmware/wire/messages.hpp"

namespace {

using namespace lookout::firmware;

/// A bus whose device answers what the fuzzer says: a failure of some kind, a short
/// answer, or `count` words.
class FuzzedBus : public ModbusBus {
 public:
  explicit FuzzedBus(FuzzedDataProvider& in) : in_(in) {}

  BusResult read_registers(int, RegisterKind kind, std::uint16_t, std::uint16_t count,
                           std::vector<std::uint16_t>& out) override {
    out.clear();
    switch (in_.ConsumeIntegralInRange<int>(0, 15)) {
      case 0: return {BusError::timeout, "timeout"};
      case 1: return {BusError::exception, "exception"};
      case 2: return {BusError::bad_frame, "bad frame"};
      case 3: out.resize(count / 2U); return {};  // short: the poller must not read past it
      default: break;
    }
    out.resize(count);
    for (auto& w : out) {
      // Coils come from libmodbus as 0 or 1 whatever the device sent.
      w = kind == RegisterKind::coil ? static_cast<std::uint16_t>(in_.ConsumeBool())
                                     : in_.ConsumeIntegral<std::uint16_t>();
    }
    return {};
  }

 private:
  FuzzedDataProvider& in_;
};

class FuzzedClock : public Clock {
 public:
  std::int64_t utc_ms() const override { return utc_; }
  std::int64_t monotonic_ms() const override { return mono_; }
  void advance(std::int64_t ms) {
    utc_ += ms;
    mono_ += ms;
  }

 private:
  std::int64_t utc_ = 1764100000000;  // [ms UTC] 2025-11-25
  std::int64_t mono_ = 0;
};

/// [units of the option] calibration figures larger than this are not a sensor's.
constexpr double OPTION_RANGE = 1e6;

DeviceOptions fuzzed_options(const Profile& profile, FuzzedDataProvider& in) {
  DeviceOptions options;
  for (const auto& spec : profile.options) {
    if (!in.ConsumeBool()) continue;
    if (spec.type == OptionType::number) {
      options.set(spec.key, in.ConsumeFloatingPointInRange<double>(-OPTION_RANGE, OPTION_RANGE));
    } else if (!spec.choices.empty()) {
      options.set(spec.key, std::string(spec.choices[in.ConsumeIntegralInRange<std::size_t>(0, spec.choices.size() - 1)]));
    } else {
      options.set(spec.key, in.ConsumeRandomLengthString(16));
    }
  }
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const auto models = supported_models();
  const Profile* profile = find_profile(models[in.ConsumeIntegralInRange<std::size_t>(0, models.size() - 1)]);
  DeviceSpec spec{.name = "dev-1", .unit = 1, .profile = profile};
  spec.max_gap = in.ConsumeIntegralInRange<int>(0, 16);
  spec.options = fuzzed_options(*profile, in);
  if (!check_options(*profile, spec.options).empty()) return 0;  // the site-file loader refuses these
  DevicePoller poller(spec);
  FuzzedBus bus(in);
  FuzzedClock clock;
  lookout::wire::ReadingsBatch batch{"gw-1", 1, 1, false, {}};
  const int polls = in.ConsumeIntegralInRange<int>(1, 8);
  for (int i = 0; i < polls; ++i) {
    clock.advance(in.ConsumeIntegralInRange<std::int64_t>(1, 3'600'000));
    for (auto& r : poller.poll(bus, clock)) batch.readings.push_back(std::move(r));
  }
  if (batch.readings.empty()) return 0;  // nothing new (a GN1 epoch seen, a gauge's baseline)
  if (const auto d = lookout::wire::decode_readings(lookout::wire::encode(batch));
      std::holds_alternative<lookout::wire::DecodeError>(d)) {
    std::fprintf(stderr, "%s: the aggregator would reject its readings: %s\n", std::string(profile->model).c_str(),
                 std::get<lookout::wire::DecodeError>(d).reason.c_str());
    std::abort();
  }
  return 0;
}
