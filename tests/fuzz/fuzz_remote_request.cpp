// libFuzzer target: the parser of a gateway's down/ requests (gateway/remote_request.hpp),
// which anyone allowed to publish on down/command or down/config reaches. The first byte
// picks the topic's last level, the rest is the payload. Never throws, never crashes, and
// an answer can always be encoded.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "gateway/remote_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lookout::gateway;
  if (size == 0) return 0;
  // "other": a level the gateway subscribes to (down/#) but has no request for.
  constexpr std::string_view KINDS[] = {"command", "config", "other"};
  const std::string_view kind = KINDS[data[0] % 3];
  const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto parsed = parse_remote_request(kind, payload);
  if (const auto* error = std::get_if<RequestError>(&parsed)) {
    (void)encode_result("gw-1", 1764100000000, kind, error->id, {error->reason});
  } else {
    (void)encode_result("gw-1", 1764100000000, kind, std::get<RemoteRequest>(parsed).id, {});
  }
  return 0;
}
