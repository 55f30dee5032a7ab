#include "firmware/wire/topics.hpp"

#include <vector>

#include "firmware/wire/messages.hpp"

namespace lookout::wire {

std::string up_topic(const GatewayAddress& gw, std::string_view kind) {
  return std::string(TOPIC_ROOT) + "/" + gw.enterprise + "/" + gw.site + "/" + gw.gateway + "/up/" +
         std::string(kind);
}

std::string down_topic(const GatewayAddress& gw, std::string_view kind) {
  return std::string(TOPIC_ROOT) + "/" + gw.enterprise + "/" + gw.site + "/" + gw.gateway + "/down/" +
         std::string(kind);
}

std::string alarm_topic(std::string_view enterprise, std::string_view site, std::string_view point) {
  return std::string(TOPIC_ROOT) + "/" + std::string(enterprise) + "/" + std::string(site) + "/alarms/" +
         std::string(point);
}

std::optional<UpTopic> parse_up_topic(std::string_view topic) {
  if (!topic.starts_with(TOPIC_ROOT) || topic.size() <= TOPIC_ROOT.size() || topic[TOPIC_ROOT.size()] != '/') {
    return std::nullopt;
  }
  topic.remove_prefix(TOPIC_ROOT.size() + 1);
  std::vector<std::string_view> parts;
  while (true) {
    const auto slash = topic.find('/');
    parts.push_back(topic.substr(0, slash));
    if (slash == std::string_view::npos) break;
    topic.remove_prefix(slash + 1);
  }
  if (parts.size() != 5 || parts[3] != "up") return std::nullopt;
  for (int i = 0; i < 3; ++i) {
    if (!is_valid_name(parts[static_cast<std::size_t>(i)])) return std::nullopt;
  }
  if (parts[4] != "readings" && parts[4] != "status" && parts[4] != "events") return std::nullopt;
  return UpTopic{{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])}, std::string(parts[4])};
}

std::string alarm_topic(std::string_view enterprise, std::string_view site, std::string_view point,
                        std::string_view kind) {
  if (kind == "threshold") return alarm_topic(enterprise, site, point);
  return alarm_topic(enterprise, site, point) + "/" + std::string(kind);
}

}  // namespace lookout::wire
