#pragma once
// MQTT topic layout, version 1 (docs/protocol.md "Topics").

#include <optional>
#include <string>
#include <string_view>

namespace lookout::wire {

inline constexpr std::string_view TOPIC_ROOT = "lookout/v1";

struct GatewayAddress {
  std::string enterprise;
  std::string site;
  std::string gateway;
};

/// lookout/v1/{enterprise}/{site}/{gateway}/up/{kind}, kind: readings | status | events
std::string up_topic(const GatewayAddress& gw, std::string_view kind);
/// lookout/v1/{enterprise}/{site}/{gateway}/down/{kind}, kind: config | command | ack
std::string down_topic(const GatewayAddress& gw, std::string_view kind);
/// lookout/v1/{enterprise}/{site}/alarms/{point}
std::string alarm_topic(std::string_view enterprise, std::string_view site, std::string_view point);
/// A point's alarm of one rule kind: the threshold alarm keeps `.../alarms/{point}`, every
/// other kind is `.../alarms/{point}/{kind}`.
std::string alarm_topic(std::string_view enterprise, std::string_view site, std::string_view point,
                        std::string_view kind);

/// A parsed `.../up/{kind}` topic; nullopt when the topic is not of that shape.
struct UpTopic {
  GatewayAddress gateway;
  std::string kind;
};
std::optional<UpTopic> parse_up_topic(std::string_view topic);

}  // namespace lookout::wire
