#pragma once
// The aggregator's configuration file (docs/config.md "Aggregator configuration").

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "aggregator/notify/settings.hpp"
#include "aggregator/rules.hpp"
#include "aggregator/rules/derived.hpp"
#include "aggregator/rules/point_rules.hpp"
#include "aggregator/rules/rollup.hpp"

namespace lookout::aggregator {

/// Which points an override applies to; an empty field matches everything.
struct Scope {
  std::string enterprise;
  std::string site;
  std::string point;
  /// 3 for a point, 2 for a site, 1 for an enterprise, 0 for everything: the most specific wins.
  int specificity() const;
  bool matches(std::string_view e, std::string_view s, std::string_view p) const;
};

struct MethanePlacement {
  Scope scope;
  MethaneLocation location = MethaneLocation::working_face;
};

struct ThresholdOverride {
  Scope scope;
  std::string quantity;
  ThresholdRule rule;
  Delays delays;
  Level latch_at = Level::normal;  ///< normal: no latch (methane keeps its power-cut latch unless overridden)
  bool latch_set = false;
};

/// `[[rate]]`: replaces (or with enabled = false removes) a quantity's rate rule.
struct RateOverride {
  Scope scope;
  std::string quantity;
  bool enabled = true;
  RateRule rule;
};

struct TangentAngleOverride {
  Scope scope;
  std::string quantity;
  TangentAngleRule rule;
};

/// `[[accumulation]]`: replaces the window of the same length, or adds one.
struct AccumulationOverride {
  Scope scope;
  std::string quantity;
  AccumulationRule rule;
};

/// `[[comm_loss]]`: each field set overrides the less specific entries.
struct CommLossOverride {
  Scope scope;
  std::optional<double> multiple;
  std::optional<std::int64_t> period_ms;
  std::optional<std::int64_t> default_period_ms;
  std::optional<std::int64_t> min_timeout_ms;
  std::optional<Level> level;
};

/// `[[derived]]`: a derived point of one site and its installation record.
struct DerivedPoint {
  std::string enterprise;
  std::string site;
  DerivedRule rule;
};

/// `[retention]`: how long history is kept.
struct Retention {
  int raw_days = 90;      ///< [d] raw readings
  int hourly_days = 730;  ///< [d] hourly min/max/mean
};

/// `[[enterprises]]`: where an enterprise and its sites are, for regulators' scopes.
struct EnterpriseEntry {
  std::string id;
  std::string division;                                       ///< GB/T 2260 code, 6 digits
  std::vector<std::pair<std::string, std::string>> sites;    ///< site -> its own division, when it differs
};

struct AggregatorConfig {
  std::filesystem::path file;
  std::string mqtt_uri;
  std::string mqtt_client_id = "lookout-aggregator";
  std::string mqtt_username;
  std::string mqtt_password;
  std::string http_host = "127.0.0.1";
  int http_port = 8080;  ///< 0: any free port, printed at start
  double http_rate = 50;   ///< [requests/s] per client address, sustained
  int http_burst = 200;    ///< [requests] per client address, at once
  int http_max_connections = 1000;            ///< open at once (fewer when the file limit is low)
  int http_max_connections_per_client = 64;   ///< open at once from one client address
  std::vector<EnterpriseEntry> enterprises;
  std::filesystem::path database;
  std::vector<MethanePlacement> methane;
  std::vector<ThresholdOverride> thresholds;
  std::vector<RateOverride> rates;
  std::vector<TangentAngleOverride> tangent_angles;
  std::vector<AccumulationOverride> accumulations;
  std::vector<CommLossOverride> comm_loss;
  std::vector<DerivedPoint> derived;
  Level sensor_fault_level = Level::yellow;
  RollupRule rollup;
  Retention retention;
  notify::NotifySettings notify;  ///< `[notify]`, `[[webhook]]`, `[[command_hook]]`
};

/// Throws config::ConfigErrors listing every problem with file:line:column.
AggregatorConfig load_aggregator_config(const std::filesystem::path& file);
AggregatorConfig parse_aggregator_config(std::string_view text, const std::filesystem::path& file);

/// The rule for a point: the most specific threshold override for its quantity, else the
/// methane rule for its location, else the built-in rule; nullopt when none applies.
std::optional<ThresholdRule> rule_for(
    const AggregatorConfig& config, std::string_view enterprise, std::string_view site, std::string_view point,
    std::string_view quantity);

/// Every rule of a point: the built-in set of its quantity (rules/defaults.hpp) with the
/// most specific override of each kind applied.
PointRules point_rules_for(const AggregatorConfig& config, std::string_view enterprise,
                                      std::string_view site, std::string_view point, std::string_view quantity);

}  // namespace lookout::aggregator
