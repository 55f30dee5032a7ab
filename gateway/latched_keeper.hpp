#pragma once
// The latched interlocks kept in data_dir/edge_state.json, so that a restart of the gateway
// does not release a power cut. The file is written on a thread of its own: the edge hands
// over the set and goes on at once, so a full or slow disk delays the file, never a trip.
// Each write goes beside the file, is synced, renamed over it and the directory synced: a
// power cut leaves the old set or the new one. A write that fails is tried again every
// RETRY_MS until one succeeds, logged once when writes start failing and once when one works.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace lookout::gateway {

class LatchedKeeper {
 public:
  /// [ms] between tries while writing fails.
  static constexpr std::int64_t RETRY_MS = 1000;
  static constexpr const char* FILE_NAME = "edge_state.json";

  explicit LatchedKeeper(std::filesystem::path data_dir);
  /// Stops the thread; what is not on disk yet gets one last try.
  ~LatchedKeeper();
  LatchedKeeper(const LatchedKeeper&) = delete;
  LatchedKeeper& operator=(const LatchedKeeper&) = delete;

  /// What the file holds (none when there is no file; logged when it cannot be read).
  std::vector<std::string> load() const;
  /// The latched interlocks as they are now, to be written; returns at once.
  void keep(std::vector<std::string> names);
  /// True when the file holds the last set kept (or nothing was ever kept).
  bool saved() const;

 private:
  void run(std::stop_token stop);
  /// One write of `names`; "" when done, else why not.
  std::string write(const std::vector<std::string>& names) const;

  std::filesystem::path file_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::vector<std::string> wanted_;  ///< guarded by mutex_
  std::uint64_t wanted_gen_ = 0;     ///< guarded by mutex_: how many sets were kept
  std::uint64_t saved_gen_ = 0;      ///< guarded by mutex_: the last of them on disk
  std::jthread thread_;
};

}  // namespace lookout::gateway
