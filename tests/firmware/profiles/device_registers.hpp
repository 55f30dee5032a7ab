#pragma once
// Test support for profile tests: a device's registers in memory, read through the profile's
// own read plan, decoded and interpreted as DevicePoller does.

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "firmware/profile.hpp"
#include "firmware/read_plan.hpp"

namespace lookout::firmware::testing {

/// Register words by address, per table; unset addresses read 0.
struct DeviceRegisters {
  std::map<std::uint16_t, std::uint16_t> holding, input, coil;

  void set_u32(std::map<std::uint16_t, std::uint16_t>& table, std::uint16_t address, std::uint32_t v, WordOrder order) {
    std::uint16_t w[2];
    encode_u32(v, order, w);
    table[address] = w[0];
    table[static_cast<std::uint16_t>(address + 1)] = w[1];
  }
  void set_f32(std::map<std::uint16_t, std::uint16_t>& table, std::uint16_t address, float v, WordOrder order) {
    std::uint16_t w[2];
    encode_f32(v, order, w);
    table[address] = w[0];
    table[static_cast<std::uint16_t>(address + 1)] = w[1];
  }

  /// The answers to `plan`, as the device would send them.
  std::vector<std::vector<std::uint16_t>> answer(const std::vector<ReadRequest>& plan) const {
    std::vector<std::vector<std::uint16_t>> out;
    for (const auto& r : plan) {
      const auto& table = r.kind == RegisterKind::holding ? holding : r.kind == RegisterKind::input ? input : coil;
      std::vector<std::uint16_t> words;
      for (int a = r.start; a < r.start + r.count; ++a) {
        const auto it = table.find(static_cast<std::uint16_t>(a));
        words.push_back(it == table.end() ? 0 : it->second);
      }
      out.push_back(words);
    }
    return out;
  }
};

/// One poll of `regs` through `profile`: plan, decode, interpret with `options` and `state`.
inline std::vector<ChannelValue> poll_registers(const Profile& profile, const DeviceRegisters& regs,
                                                const DeviceOptions& options, DeviceState& state) {
  const auto plan = plan_reads(profile, 8);
  return profile.interpret(decode_fields(profile, plan, regs.answer(plan)), options, state);
}

/// The value of `channel` in `values`; fails the test when it is missing.
inline ChannelValue channel_of(const std::vector<ChannelValue>& values, std::string_view channel) {
  for (const auto& v : values) {
    if (v.channel == channel) return v;
  }
  FAIL("no channel " << channel);
  return {};
}

inline bool has_channel(const std::vector<ChannelValue>& values, std::string_view channel) {
  for (const auto& v : values) {
    if (v.channel == channel) return true;
  }
  return false;
}

}  // namespace lookout::firmware::testing
