#pragma once
// Quantities derived from points and the installation record (GB 39496-2020, GB 51108-2015):
//   phreatic depth    = pipe-mouth elevation - piezometric level          [m]
//   freeboard         = dam crest elevation - reservoir water level        [m]
//   dry-beach length  = (beach-crest elevation - water level) / beach slope [m]
// With several input points the highest water (the worst case) counts.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aggregator/rules.hpp"

namespace lookout::aggregator {

enum class DerivedKind { phreatic_depth, freeboard, dry_beach_length };
std::optional<DerivedKind> derived_kind_from_string(std::string_view s);
std::string_view to_string(DerivedKind k);

struct DerivedRule {
  std::string point;                ///< the derived point's id, e.g. "dam.freeboard"; its alarms are keyed by it
  DerivedKind kind = DerivedKind::freeboard;
  std::vector<std::string> inputs;  ///< points giving the elevation of the water [m]
  double elevation = 0;  ///< [m] pipe mouth (phreatic depth), crest (freeboard) or beach crest (dry beach)
  double beach_slope = 0;  ///< [m/m] mean slope of the dry beach, for dry_beach_length
  ThresholdRule lines;     ///< on the derived value [m]; a level starts at value <= line
};

/// Default lines from the design minimum: red at it; for the phreatic depth also orange at
/// 1.1 x it (GB 39496-2020). Yellow and blue are the designer's (pass them, or 0 for none).
ThresholdRule derived_lines(DerivedKind kind, double design_min, double yellow = 0, double blue = 0);

/// The derived value from the latest valid input values [m]; nullopt without any input.
std::optional<double> derive(const DerivedRule& rule, const std::map<std::string, double>& inputs);

}  // namespace lookout::aggregator
