#pragma once
// Puts polled readings into the outbox, and never stops the gateway for it. When the
// outbox cannot take a batch (its disk full or failing: any write error) the readings are
// held in memory (HeldReadings, up to a bound, the oldest dropped and counted beyond it),
// in order, and go in as soon as it can again, each batch under the next sequence number
// as always. The fault is in the status (StorageStatus) and logged once when it begins and
// once when it ends, never a line per try. Runs on the gateway's event loop only; the
// polling threads and the edge safety never wait for it (docs/config.md "Storage faults").

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "firmware/wire/messages.hpp"
#include "gateway/held_readings.hpp"

namespace lookout::gateway {

class OutboxFeed {
 public:
  /// Stores one batch (Outbox::append); throws when it cannot.
  using Append =
      std::function<void(const std::vector<wire::Reading>&, std::int64_t created_ms, const std::vector<KeptState>&)>;
  /// Stores what devices keep, without a batch (Outbox::keep); throws when it cannot.
  using Keep = std::function<void(const std::vector<KeptState>&)>;

  /// [readings] at most this many in one batch made of held ones (merged flushes): far
  /// below the wire's 10 000 a batch, and few transactions (one sync each) to drain.
  static constexpr std::size_t MAX_MERGED_READINGS = 1000;
  /// Batches written per put() while draining what is held: each is a synced transaction,
  /// and the event loop that calls put() also sends and publishes the status.
  static constexpr int MAX_APPENDS_PER_PUT = 8;

  OutboxFeed(Append append, Keep keep, std::size_t held_max_readings);
  /// Logs the readings still held: they are lost with the process.
  ~OutboxFeed();
  OutboxFeed(const OutboxFeed&) = delete;
  OutboxFeed& operator=(const OutboxFeed&) = delete;

  /// One flush: what was polled since the last one and what devices keep after it (either
  /// may be empty), at `now_ms` [ms UTC]. Whatever the outbox does, it returns.
  void put(std::vector<wire::Reading> readings, std::vector<KeptState> kept, std::int64_t now_ms);

  /// For the gateway's status: the fault (if any), what is held and what was dropped.
  wire::StorageStatus status() const;
  /// Readings held in memory now.
  std::size_t held() const { return held_.readings(); }

 private:
  void failed(const std::exception& e, std::int64_t now_ms);

  Append append_;
  Keep keep_;
  HeldReadings held_;
  std::string fault_;          ///< "" while the outbox takes everything
  std::string error_;          ///< what the outbox said
  std::int64_t since_ms_ = 0;  ///< [ms UTC] when the fault began
  std::uint64_t dropped_at_onset_ = 0;
  bool told_bound_ = false;  ///< the bound's first drop in this fault was logged
};

}  // namespace lookout::gateway
