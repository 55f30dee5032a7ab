#pragma once
// The coal-mine methane figures by sensor location (煤矿安全规程; docs/rules.md "Coal-mine
// methane"), in one place: the gateway's [[interlock]] takes them by default and checks
// given figures against them, the aggregator's [[methane]] rules are made from them.
// Data only: no I/O, no allocation.

#include <array>
#include <optional>
#include <string_view>

namespace lookout::firmware {

/// Where a methane sensor sits.
enum class MethaneLocation { working_face, return_airway, intake_airway, drainage_roadway };

struct MethaneFigures {
  MethaneLocation location;
  std::string_view name;    ///< as a configuration file names it
  std::string_view places;  ///< what the standard's row covers, for people
  double alarm;             ///< [%CH4] alarm at or above
  double power_cut;         ///< [%CH4] power cut at or above; it latches
  double restore;           ///< [%CH4] the power may come back below this (and after a reset)
};

inline constexpr std::string_view METHANE_UNIT = "%CH4";

// 煤矿安全规程, the methane limits by location (docs/rules.md has the same table).
inline constexpr std::array<MethaneFigures, 4> METHANE_STANDARD{{
    {MethaneLocation::working_face, "working_face", "working face, upper corner, heading face, shearer", 1.0, 1.5,
     1.0},
    {MethaneLocation::return_airway, "return_airway", "return airway of a face or heading", 1.0, 1.0, 1.0},
    {MethaneLocation::intake_airway, "intake_airway", "intake airway (high-gas mines)", 0.5, 0.5, 0.5},
    {MethaneLocation::drainage_roadway, "drainage_roadway", "gas-drainage roadway", 2.5, 2.5, 2.5},
}};

/// "working_face, return_airway, intake_airway, drainage_roadway", for error messages.
inline constexpr std::string_view METHANE_LOCATION_NAMES =
    "working_face, return_airway, intake_airway, drainage_roadway";

constexpr const MethaneFigures& methane_figures(MethaneLocation location) {
  for (const auto& f : METHANE_STANDARD) {
    if (f.location == location) return f;
  }
  return METHANE_STANDARD[0];
}

constexpr std::optional<MethaneLocation> methane_location_from_string(std::string_view name) {
  for (const auto& f : METHANE_STANDARD) {
    if (f.name == name) return f.location;
  }
  return std::nullopt;
}

constexpr std::string_view to_string(MethaneLocation location) { return methane_figures(location).name; }

}  // namespace lookout::firmware
