#pragma once
// Every rule that watches one point, and what the point remembers between readings. One
// reading in, one level per rule kind out; plain C++ with time as an argument (style.md 6).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aggregator/rules.hpp"
#include "aggregator/rules/accumulation.hpp"
#include "aggregator/rules/comm_loss.hpp"
#include "aggregator/rules/delay.hpp"
#include "aggregator/rules/kind.hpp"
#include "aggregator/rules/latch.hpp"
#include "aggregator/rules/rate.hpp"
#include "aggregator/rules/samples.hpp"
#include "aggregator/rules/sensor_fault.hpp"
#include "aggregator/rules/tangent_angle.hpp"

namespace lookout::aggregator {

struct ThresholdSpec {
  ThresholdRule rule;
  Delays delays;                    ///< none for gas (standards.md "Gas")
  Level latch_at = Level::normal;   ///< normal: no latch; red for a methane power cut
};

struct PointRules {
  std::optional<ThresholdSpec> threshold;
  std::optional<RateRule> rate;
  std::optional<TangentAngleRule> tangent_angle;
  std::vector<AccumulationRule> accumulations;  ///< one alarm: the highest of them (1 h and 24 h)
  CommLossRule comm;
  SensorFaultRule fault;

  /// [ms] how much history the windowed rules need.
  std::int64_t history_ms() const;
};

struct PointState {
  Level threshold_judged = Level::normal;  ///< before delays and latch: the hysteresis state
  DelayState delay;
  LatchState latch;
  std::map<RuleKind, Level> judged;  ///< the windowed rules' hysteresis states
  std::vector<Level> accumulation_judged;  ///< per accumulation window, its own
  Samples samples;
  CommState comm;
  std::uint64_t last_seq = 0;    ///< the batch of the newest reading judged
  std::int64_t last_ts_ms = -1;  ///< [ms UTC] newest reading judged, within that batch
};

/// One rule kind's verdict on a reading.
struct KindLevel {
  RuleKind kind = RuleKind::threshold;
  Level level = Level::normal;
  std::string rule;             ///< which rule decided
  std::optional<double> value;  ///< the figure judged: the value, rate, angle or sum
  std::string unit;             ///< its unit, e.g. "mm/d", "deg"
};

struct Evaluation {
  std::vector<KindLevel> levels;  ///< every kind that judged this reading
  std::string note;               ///< why the process rules did not judge, for a log line
  /// False when the reading was made before one already judged (a late backfill): it is
  /// kept in the windows but moves no alarm, since the alarms already stand at a later time.
  bool in_order = true;
};

/// Judges a reading (of any quality) at its own timestamp; `received_ms` is when it arrived.
/// `seq` is its batch's: which reading came later is told by the batch (the gateway numbers
/// them as it makes them), then by the time within a batch, never by the times alone, which
/// a gateway's clock set back would make look older than those before. 0: by time alone.
Evaluation evaluate(const PointRules& rules, PointState& state, const wire::Reading& reading,
                    std::int64_t received_ms, std::uint64_t seq = 0);

/// The rate unit for a per-period, e.g. "mm/d" or "m/h".
std::string rate_unit(const std::string& unit, std::int64_t per_ms);

}  // namespace lookout::aggregator
