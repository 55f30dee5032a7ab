#include "aggregator/rules/accumulation.hpp"

namespace lookout::aggregator {

AccumulationJudgement judge_accumulation(const AccumulationRule& rule, const Samples& samples,
                                         std::int64_t as_of_ms, Level current) {
  AccumulationJudgement j;
  j.sum = samples.sum(as_of_ms - rule.window_ms, as_of_ms);
  j.level = level_of(rule.lines, j.sum, current);
  j.judged = true;
  return j;
}

}  // namespace lookout::aggregator
