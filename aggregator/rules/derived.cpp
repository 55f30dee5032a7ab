#include "aggregator/rules/derived.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace lookout::aggregator {
namespace {

constexpr std::array<std::pair<DerivedKind, std::string_view>, 3> NAMES{{
    {DerivedKind::phreatic_depth, "phreatic_depth"},
    {DerivedKind::freeboard, "freeboard"},
    {DerivedKind::dry_beach_length, "dry_beach_length"},
}};

}  // namespace

std::optional<DerivedKind> derived_kind_from_string(std::string_view s) {
  for (const auto& [k, n] : NAMES) {
    if (n == s) return k;
  }
  return std::nullopt;
}

std::string_view to_string(DerivedKind k) {
  for (const auto& [kind, n] : NAMES) {
    if (kind == k) return n;
  }
  return "?";
}

ThresholdRule derived_lines(DerivedKind kind, double design_min, double yellow, double blue) {
  ThresholdRule r{"derived." + std::string(to_string(kind)), "m", {}, {}};
  r.below.push_back({Level::red, design_min, design_min});
  // GB 39496-2020: orange at 1.1 x the design minimum burial depth of the phreatic line.
  if (kind == DerivedKind::phreatic_depth) r.below.push_back({Level::orange, 1.1 * design_min, 1.1 * design_min});
  if (yellow > 0) r.below.push_back({Level::yellow, yellow, yellow});
  if (blue > 0) r.below.push_back({Level::blue, blue, blue});
  return r;
}

std::optional<double> derive(const DerivedRule& rule, const std::map<std::string, double>& inputs) {
  std::optional<double> water;
  for (const auto& p : rule.inputs) {
    if (const auto it = inputs.find(p); it != inputs.end()) water = std::max(water.value_or(it->second), it->second);
  }
  if (!water) return std::nullopt;
  const double height = rule.elevation - *water;  // [m] from the water up to the reference
  switch (rule.kind) {
    case DerivedKind::phreatic_depth:
    case DerivedKind::freeboard:
      return height;
    case DerivedKind::dry_beach_length:
      if (!(rule.beach_slope > 0)) return std::nullopt;
      return height / rule.beach_slope;
  }
  return std::nullopt;
}

}  // namespace lookout::aggregator
