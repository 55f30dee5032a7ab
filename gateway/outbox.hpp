#pragma once
// The durable outbox: every batch of readings is written here before it is sent, and
// removed only when the aggregator has said it is stored (down/ack: docs/protocol.md
// "Acknowledgements"), not when the broker has it: a broker forgets what it holds in memory
// when it crashes. It also
// keeps the boot count and the last sequence number, so the sequence never goes back,
// not even across reboots; its epoch, a random number made with the file, by which the
// aggregator tells a new outbox (a wiped data directory) from this one; and what devices' profiles keep across restarts (KeptState),
// written in the transaction of the batch that carried their readings. SQLite in WAL mode,
// synchronous=FULL: kill -9 or a power cut at any moment loses nothing that was committed
// and leaves the file usable.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "firmware/wire/reading.hpp"
#include "gateway/kept_state.hpp"

struct sqlite3;

namespace lookout::gateway {

/// What the outbox could not do, with SQLite's (extended) result code and the system's errno
/// behind it: a full disk (SQLITE_FULL, ENOSPC, EDQUOT) or another failing write or read.
class OutboxError : public std::runtime_error {
 public:
  OutboxError(const std::string& what, int sqlite_code, int sys_errno)
      : std::runtime_error(what), sqlite_code_(sqlite_code), sys_errno_(sys_errno) {}
  int sqlite_code() const { return sqlite_code_; }
  int sys_errno() const { return sys_errno_; }
  /// No room on its file system: SQLITE_FULL, or a write that failed with ENOSPC or EDQUOT
  /// (SQLite reports EDQUOT as SQLITE_IOERR_WRITE).
  bool disk_full() const;

 private:
  int sqlite_code_;
  int sys_errno_;
};

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
  /// it: when full, the oldest batches go first and are counted as dropped. A disk that
  /// refuses (full, failing, missing) does not stop the gateway's start: the outbox is then
  /// closed (open_error() says why; boot() and last_seq() are 0, pending() and
  /// kept_states() have nothing), and every append() or keep() tries to open it first,
  /// throwing OutboxError while it cannot.
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
  /// The aggregator has stored every batch up to and including `seq`: they go. On a disk
  /// that cannot take the deletion (a full one needs room in the WAL for it) they are
  /// forgotten at once all the same (pending() and the depth skip them) and deleted with
  /// the next write that succeeds; a restart before then sends them again (at least once).
  void acknowledge(std::uint64_t seq);
  /// The oldest batch kept; 0 when empty.
  std::uint64_t oldest_seq();
  /// The aggregator already stored batches of this gateway up to `seq` from an earlier
  /// outbox (down/ack renumber_after): every unacknowledged batch gets a new number after
  /// it, in order, and the sequence goes on from the last of them, in one transaction.
  /// Returns how far the numbers moved; 0 when none is at or below `seq` (done already).
  /// Throws OutboxError when the disk refuses (nothing changed then).
  std::uint64_t renumber_after(std::uint64_t seq);

  /// Why the outbox could not be opened yet; empty once it is open.
  const std::string& open_error() const { return open_error_; }
  std::uint64_t boot() const { return boot_; }
  /// This outbox's epoch (1 to wire::MAX_EPOCH); 0 while it could not be opened.
  std::uint64_t epoch() const { return epoch_; }
  std::uint64_t last_seq() const { return last_seq_; }
  std::size_t depth_batches() const { return depth_batches_; }
  std::size_t depth_readings() const { return depth_readings_; }
  /// Readings dropped because the outbox was full, since it was created.
  std::uint64_t dropped_readings() const { return dropped_; }

 private:
  /// Opens the file and counts this boot, if not done yet; throws OutboxError when it cannot.
  void open();
  void exec(const std::string& sql);
  std::uint64_t meta(const char* key);
  void set_meta(const char* key, std::uint64_t value);
  void trim();
  /// Inside the caller's transaction: deletes what acknowledge() could not.
  void delete_acknowledged();
  /// Inside the caller's transaction.
  void write_kept(const std::vector<KeptState>& kept);

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;  ///< null while it could not be opened
  std::string open_error_;
  std::size_t max_readings_;
  std::uint64_t boot_ = 0;
  std::uint64_t epoch_ = 0;
  std::uint64_t last_seq_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t acked_ = 0;           ///< every batch up to it is acknowledged (deleted or not yet)
  bool acked_undeleted_ = false;      ///< some acknowledged batches are still in the file
  std::size_t depth_batches_ = 0;
  std::size_t depth_readings_ = 0;
};

}  // namespace lookout::gateway
