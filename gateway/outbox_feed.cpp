#include "gateway/outbox_feed.hpp"

#include "firmware/log.hpp"
#include "gateway/outbox.hpp"

namespace lookout::gateway {

OutboxFeed::OutboxFeed(Append append, Keep keep, std::size_t held_max_readings)
    : append_(std::move(append)), keep_(std::move(keep)), held_(held_max_readings) {}

OutboxFeed::~OutboxFeed() {
  if (held_.readings() > 0) {
    log::error("gateway", std::to_string(held_.readings()) +
                              " readings held in memory are lost at the stop: the outbox could not take them");
  }
}

void OutboxFeed::put(std::vector<wire::Reading> readings, std::vector<KeptState> kept, std::int64_t now_ms) {
  // Behind what is held already, so the outbox gets everything in the order it was polled.
  const auto dropped_before = held_.dropped();
  held_.hold(std::move(readings), now_ms, std::move(kept));
  if (held_.dropped() > dropped_before && !told_bound_) {
    told_bound_ = true;
    log::error("gateway", "readings held in memory reached their bound of " + std::to_string(held_.max_readings()) +
                              ": dropping the oldest (counted in the status)");
  }
  for (int i = 0; i < MAX_APPENDS_PER_PUT && !held_.empty(); ++i) {
    const HeldBatch batch = held_.next(MAX_MERGED_READINGS);
    try {
      if (!batch.readings.empty()) {
        append_(batch.readings, batch.created_ms, batch.kept);
      } else {
        keep_(batch.kept);
      }
    } catch (const std::exception& e) {
      failed(e, now_ms);
      return;
    }
    held_.taken(batch);
  }
  if (!fault_.empty() && held_.empty()) {
    log::info("gateway", "the outbox takes readings again after " + std::to_string((now_ms - since_ms_) / 1000) +
                             " s; every held reading is in it, " + std::to_string(held_.dropped() - dropped_at_onset_) +
                             " dropped at the bound meanwhile");
    fault_.clear();
    error_.clear();
    since_ms_ = 0;
    told_bound_ = false;
  }
}

void OutboxFeed::failed(const std::exception& e, std::int64_t now_ms) {
  const auto* oe = dynamic_cast<const OutboxError*>(&e);
  const std::string fault = oe != nullptr && oe->disk_full() ? "disk_full" : "write_failed";
  error_ = e.what();
  if (fault_.empty()) {
    since_ms_ = now_ms;
    dropped_at_onset_ = held_.dropped();
    log::error("gateway", "the outbox cannot take readings (" + fault + "): " + error_ +
                              "; holding them in memory, up to " + std::to_string(held_.max_readings()) +
                              ", until it can; polling and edge safety go on");
  }
  fault_ = fault;
}

wire::StorageStatus OutboxFeed::status() const {
  wire::StorageStatus s;
  if (!fault_.empty()) {
    s.fault = fault_;
    s.error = error_;
    s.since_ms = since_ms_;
  }
  s.held = held_.readings();
  s.held_max = held_.max_readings();
  s.dropped = held_.dropped();
  return s;
}

}  // namespace lookout::gateway
