#pragma once
// The boot count and the last sequence number, kept in the data directory so that the
// sequence never goes back, not even across reboots (design.md "Contracts").

#include <cstdint>
#include <filesystem>

namespace lookout::gateway {

class PersistentCounters {
 public:
  /// Loads data_dir/counters.json (creating the directory), counts this boot and saves.
  /// Throws std::runtime_error naming the file when it is unreadable or corrupt.
  explicit PersistentCounters(std::filesystem::path data_dir);

  std::uint64_t boot() const { return boot_; }
  /// The next sequence number, saved (write, fsync, rename) before it is returned.
  std::uint64_t next_seq();

 private:
  void save() const;

  std::filesystem::path file_;
  std::uint64_t boot_ = 0;
  std::uint64_t seq_ = 0;
};

}  // namespace lookout::gateway
