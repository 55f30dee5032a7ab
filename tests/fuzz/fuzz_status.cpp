// libFuzzer target: the gateway-status decoder (firmware/wire/messages.hpp), run by the
// aggregator on every retained up/status message and on a gateway's last will.
// Never throws, never crashes; a status it accepts survives encode and decode unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "firmware/wire/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lookout::wire;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const auto decoded = decode_status(payload);
  const auto* status = std::get_if<GatewayStatus>(&decoded);
  if (!status) return 0;
  const std::string once = encode(*status);
  const auto again = decode_status(once);
  if (!std::holds_alternative<GatewayStatus>(again) || encode(std::get<GatewayStatus>(again)) != once) std::abort();
  return 0;
}
