#pragma once
// Requests that reach a gateway on its down/ topics (docs/protocol.md "Commands"), and the
// event that answers each on up/events. Parsing only; GatewayApp carries them out.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lookout::gateway {

/// down/command {"v":1,"id":"..","command":"poll_now","device":"ch4-1"}
struct PollNow {
  std::string device;
};
/// down/command {"v":1,"id":"..","command":"publish_status"}
struct PublishStatus {};
/// down/command {"v":1,"id":"..","command":"reset_interlock","interlock":"face-1-power"};
/// without "interlock": every interlock of the gateway.
struct ResetInterlock {
  std::string interlock;  ///< "" for all
};
/// down/config {"v":1,"id":"..","site":"<the whole site file, TOML>"}
struct NewSiteFile {
  std::string text;
};

struct RemoteRequest {
  std::string id;  ///< echoed in the answer, so the sender can match it
  std::variant<PollNow, PublishStatus, ResetInterlock, NewSiteFile> what;
};

struct RequestError {
  std::string id;
  std::string reason;
};

/// `kind` is the last topic level: "command" or "config".
std::variant<RemoteRequest, RequestError> parse_remote_request(std::string_view kind, std::string_view payload);

/// The answer on up/events: {"v":1,"gateway":..,"ts":..,"event":"command"|"config","id":..,
/// "ok":true|false,"errors":[..]}.
std::string encode_result(const std::string& gateway, std::int64_t ts_ms, std::string_view event,
                          const std::string& id, const std::vector<std::string>& errors);

}  // namespace lookout::gateway
