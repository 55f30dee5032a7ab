#pragma once
// Accumulation over a window: rainfall in 1 h and 24 h from a gauge that reports what fell
// since its previous reading. A gauge that restarted reports a lower bound, which counts.

#include <cstdint>
#include <string>

#include "aggregator/rules.hpp"
#include "aggregator/rules/rate.hpp"
#include "aggregator/rules/samples.hpp"

namespace lookout::aggregator {

struct AccumulationRule {
  std::string name;                 ///< e.g. "default.rain_24h"
  std::string unit;                 ///< the readings' unit
  std::int64_t window_ms = DAY_MS;  ///< [ms]
  ThresholdRule lines;              ///< on the sum, in unit
};

struct AccumulationJudgement {
  bool judged = false;
  double sum = 0;  ///< [unit] over (as_of - window, as_of]
  Level level = Level::normal;
};

AccumulationJudgement judge_accumulation(const AccumulationRule& rule, const Samples& samples,
                                         std::int64_t as_of_ms, Level current);

}  // namespace lookout::aggregator
