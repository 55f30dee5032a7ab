#pragma once
// Communication loss: no reading from a point for a multiple of its poll period, or its
// gateway's retained status says online = false (the broker fired its last will). Loss of
// data is an alarm of its own (standards.md "Alarm handling"), not silence.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "firmware/wire/messages.hpp"

namespace lookout::aggregator {

struct CommLossRule {
  double multiple = 3.0;                      ///< how many poll periods without a reading
  std::int64_t default_period_ms = 60'000;    ///< [ms] until a period is seen or configured
  std::optional<std::int64_t> period_ms;      ///< [ms] configured poll period of the point
  /// [ms] never less silence than this: readings come in batches, late by the gateway's
  /// publish interval and the network's jitter, and a loss alarm that chatters gets ignored.
  std::int64_t min_timeout_ms = 10'000;
  wire::Level level = wire::Level::yellow;
};

struct CommState {
  std::int64_t last_received_ms = -1;  ///< [ms UTC, aggregator's clock] last answered reading's arrival
  std::int64_t last_arrival_ms = -1;   ///< [ms UTC, aggregator's clock] last reading's arrival, any status
  std::int64_t last_ts_ms = -1;        ///< [ms UTC] newest measurement time seen
  std::deque<std::int64_t> intervals;  ///< [ms] recent gaps between measurement times
  std::deque<std::int64_t> arrivals;   ///< [ms] recent gaps between arrivals (batching stretches them)
  bool gateway_offline = false;        ///< the gateway's last will arrived and no reading since
};

/// A reading arrived. Every reading, even "offline", teaches the poll period (the gateway
/// reports a silent device at each poll); only a device that answered (`answered`) ends the
/// silence. Any reading shows the gateway is back.
void comm_seen(CommState& state, std::int64_t ts_ms, std::int64_t received_ms, bool answered = true);

/// The poll period in use: configured, else the median of the gaps seen (between measurements
/// or between arrivals, whichever is longer), else the default.
std::int64_t poll_period_ms(const CommLossRule& rule, const CommState& state);

struct CommJudgement {
  wire::Level level = wire::Level::normal;
  std::string rule;  ///< "comm.gateway_offline" or "comm.no_data"
};

/// At `now_ms` (aggregator's clock).
CommJudgement judge_comm(const CommLossRule& rule, const CommState& state, std::int64_t now_ms);

}  // namespace lookout::aggregator
