#pragma once
// A disk whose power a test can cut: tests/support/power_loss_fs.py, a FUSE pass-through
// file system over a backing directory that keeps every write and every name not yet
// synced apart and drops them at the cut (its header says what it keeps and what it loses).
// The mount is taken down when the object goes away, whatever happened, and by fusermount
// itself if the file system's process dies first.

#include <cstdint>
#include <filesystem>
#include <memory>

#include "tests/support/process.hpp"

namespace lookout::test {

/// What one cut dropped: everything written or named and not yet synced.
struct CutFigures {
  std::int64_t writes = 0;  ///< write and truncate calls
  std::int64_t bytes = 0;   ///< [bytes] written
  std::int64_t names = 0;   ///< creates, renames, unlinks, mkdirs and rmdirs not yet durable
};

class PowerLossDisk {
 public:
  /// Mounts a fresh, empty disk. Fails the test, naming what is missing, when FUSE cannot
  /// mount here (no /dev/fuse, python3-fusepy or fuse3: tools/setup test installs them).
  PowerLossDisk();
  ~PowerLossDisk();
  PowerLossDisk(const PowerLossDisk&) = delete;
  PowerLossDisk& operator=(const PowerLossDisk&) = delete;

  /// Where programs see the disk.
  const std::filesystem::path& path() const { return mountpoint_; }
  /// What the disk holds durably; once cut and unmounted, exactly what the power cut left.
  const std::filesystem::path& backing() const { return backing_; }

  /// The power goes: every unsynced write and name is dropped, and every later operation
  /// on the mount fails with EIO. The programs using it are to be killed (SIGKILL) next.
  CutFigures cut();
  /// Takes the mount down. CHECKs that nothing still had a file open on it and that the
  /// file system logged no error (a model it could not replay).
  void unmount();
  /// Mounts the backing directory again, after unmount(): the disk after the power is back.
  void mount();
  /// unmount() and mount().
  void power_on_again();
  /// Whether the mount is up (in this process's mount table).
  bool mounted() const;

 private:
  TempDir dir_;
  std::filesystem::path backing_;
  std::filesystem::path mountpoint_;
  std::unique_ptr<Process> fs_;
  int control_port_ = 0;
  int mounts_ = 0;
};

}  // namespace lookout::test
