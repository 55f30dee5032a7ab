#include "aggregator/rules/kind.hpp"

#include <array>
#include <utility>

namespace lookout::aggregator {
namespace {

constexpr std::array<std::pair<RuleKind, std::string_view>, 8> NAMES{{
    {RuleKind::threshold, "threshold"},
    {RuleKind::rate, "rate"},
    {RuleKind::tangent_angle, "tangent_angle"},
    {RuleKind::accumulation, "accumulation"},
    {RuleKind::derived, "derived"},
    {RuleKind::comm_loss, "comm_loss"},
    {RuleKind::sensor_fault, "sensor_fault"},
    {RuleKind::system_fault, "system_fault"},
}};

}  // namespace

std::string_view to_string(RuleKind k) {
  for (const auto& [kind, name] : NAMES) {
    if (kind == k) return name;
  }
  return "?";
}

std::optional<RuleKind> rule_kind_from_string(std::string_view s) {
  for (const auto& [kind, name] : NAMES) {
    if (name == s) return kind;
  }
  return std::nullopt;
}

}  // namespace lookout::aggregator
