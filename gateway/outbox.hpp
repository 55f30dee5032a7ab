#pragma once
// The durable outbox: every batch of readings is written here before it is sent, and
// removed only when the broker has acknowledged it (at least once, in order). It also
// keeps the boot count and the last sequence number, so the sequence never goes back,
// not even across reboots, and what devices' profiles keep across restarts (KeptState),
// written in the transaction of the batch that carried their readings. SQLite in WAL mode,
// synchronous=FULL: kill -9 or a power cut at any moment loses nothing that was committed
// and leaves the file usable.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "firmware/wire/reading.hpp"
#include "gateway/kept_state.hpp"

struct sqlite3;

namespace lookout::gateway {

struct OutboxBatch {
  std::uint64_t seq = 0;
  std::uint64_t boot = 0;        ///< the boot it was made in
  std::int64_t created_ms = 0;   ///< [ms UTC]
  std::string readings_json;     ///< the "readings" array, as it goes on the wire
  std::size_t readings = 0;
};

class Outbox {
 public:
  /// Opens (creating) data_dir/outbox.sqlite and counts this boot. `max_readings` bounds
  /// it: when full, the oldest batches go first and are counted as dropped.
  Outbox(const std::filesystem::path& data_dir, std::size_t max_readings);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  /// Stores a batch under the next sequence number and returns that number; with it, in the
  /// same transaction, what devices keep after these readings (each replaces the device's).
  std::uint64_t append(const std::vector<wire::Reading>& readings, std::int64_t created_ms,
                       const std::vector<KeptState>& kept = {});
  /// Stores what devices keep, without a batch.
  void keep(const std::vector<KeptState>& kept);
  /// What devices kept when the gateway last ran, by device name order.
  std::vector<KeptState> kept_states();
  /// Up to `limit` unacknowledged batches with seq > after, oldest first.
  std::vector<OutboxBatch> pending(std::uint64_t after, std::size_t limit);
  /// The broker has every batch up to and including `seq`.
  void acknowledge(std::uint64_t seq);

  std::uint64_t boot() const { return boot_; }
  std::uint64_t last_seq() const { return last_seq_; }
  std::size_t depth_batches() const { return depth_batches_; }
  std::size_t depth_readings() const { return depth_readings_; }
  /// Readings dropped because the outbox was full, since it was created.
  std::uint64_t dropped_readings() const { return dropped_; }

 private:
  void exec(const std::string& sql);
  std::uint64_t meta(const char* key);
  void set_meta(const char* key, std::uint64_t value);
  void trim();
  /// Inside the caller's transaction.
  void write_kept(const std::vector<KeptState>& kept);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  std::size_t max_readings_;
  std::uint64_t boot_ = 0;
  std::uint64_t last_seq_ = 0;
  std::uint64_t dropped_ = 0;
  std::size_t depth_batches_ = 0;
  std::size_t depth_readings_ = 0;
};

}  // namespace lookout::gateway
