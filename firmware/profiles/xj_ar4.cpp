// XJ-AR4 4-relay alarm output module: the state of its outputs, read back (datasheets/XJ-AR4.md).
//
// Channels (point "{device}.<channel>"), value 1 = on, 0 = off:
//   siren          relay_state    ""   coil 0, 1 = sounding
//   beacon         relay_state    ""   coil 1, 1 = flashing
//   power_cut      relay_state    ""   coil 2, 1 = the supply it guards is cut
//   spare          relay_state    ""   coil 3
//   reset_button   button_state   ""   input register 0 bit0, 1 = the local reset button pressed
// No options. Coils are read with function 01 (RegisterKind::coil). Edge interlocks drive the
// coils by name (function 15, all four at once); the gateway sets the heartbeat timeout and
// writes often enough to keep it from expiring (docs/config.md "Edge safety").

#include <array>

#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware::profiles {
namespace {

using wire::DeviceStatus;
using wire::Quality;

constexpr unsigned BIT_RESET_BUTTON = 1U << 0;  // IR 0 "bit0 local reset button pressed" (line 24)

constexpr std::array<std::string_view, 4> RELAYS{"siren", "beacon", "power_cut", "spare"};

ChannelValue on_off(std::string_view channel, std::string_view quantity, double word) {
  ChannelValue v{std::string(channel), std::string(quantity), "", std::nullopt, Quality::bad, DeviceStatus::ok};
  if (word == 0.0 || word == 1.0) {
    v.quality = Quality::good;
    v.value = word;
  } else {
    v.status = DeviceStatus::invalid_response;
  }
  return v;
}

std::vector<ChannelValue> interpret(const FieldValues& f, const DeviceOptions& /*options*/, DeviceState& /*state*/) {
  std::vector<ChannelValue> out;
  for (const auto relay : RELAYS) out.push_back(on_off(relay, "relay_state", f.get(relay)));
  const auto inputs = static_cast<unsigned>(f.get("inputs"));
  if ((inputs & ~BIT_RESET_BUTTON) != 0) {
    // Only bit0 is defined: other bits set mean a register we cannot trust, and a false
    // "reset pressed" could release a power cut.
    out.push_back(on_off("reset_button", "button_state", -1.0));
  } else {
    out.push_back(on_off("reset_button", "button_state", (inputs & BIT_RESET_BUTTON) ? 1.0 : 0.0));
  }
  return out;
}

}  // namespace

Profile xj_ar4() {
  return Profile{
      .model = "XJ-AR4",
      .sheet = "datasheets/XJ-AR4.md",
      .fields =
          {
              {"siren", RegisterKind::coil, 0, ValueType::u16, WordOrder::abcd, 1.0, "CO 0 siren 1 = sounding"},
              {"beacon", RegisterKind::coil, 1, ValueType::u16, WordOrder::abcd, 1.0, "CO 1 beacon 1 = flashing"},
              {"power_cut", RegisterKind::coil, 2, ValueType::u16, WordOrder::abcd, 1.0, "CO 2 power_cut 1 = cut"},
              {"spare", RegisterKind::coil, 3, ValueType::u16, WordOrder::abcd, 1.0, "CO 3 spare"},
              {"heartbeat_timeout_s", RegisterKind::holding, 0, ValueType::u16, WordOrder::abcd, 1.0,
               "HR 0 heartbeat_timeout_s 0 = off"},
              {"inputs", RegisterKind::input, 0, ValueType::u16, WordOrder::abcd, 1.0, "IR 0 inputs bits"},
          },
      .max_registers_per_request = 125,
      .recommended_poll_ms = 2000,  // no period on the sheet; as the gas sensors whose alarms drive it
      .channels = {{"siren", "relay_state", ""},
                   {"beacon", "relay_state", ""},
                   {"power_cut", "relay_state", ""},
                   {"spare", "relay_state", ""},
                   {"reset_button", "button_state", ""}},
      .interpret = interpret,
      .outputs = {{"siren", 0, "CO 0 siren 1 = sounding"},
                  {"beacon", 1, "CO 1 beacon 1 = flashing"},
                  {"power_cut", 2, "CO 2 power_cut 1 = relay energised: the supply it guards is cut"},
                  {"spare", 3, "CO 3 spare"}},
      // "If no write reaches the module for this long, it sets the beacon coil by itself".
      // 30 s: three coil refreshes a timeout, and a gateway gone is seen within half a minute.
      .heartbeat = HeartbeatRegister{0, 30, "HR 0 heartbeat_timeout_s 0 = off"},
  };
}

}  // namespace lookout::firmware::profiles
