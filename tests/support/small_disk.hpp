#pragma once
// A small file system for tests of a full disk: a tmpfs of a given size mounted on a fresh
// directory, filled on demand until nothing more fits, freed again, unmounted at the end.
// Mounting needs CAP_SYS_ADMIN (root, as the tests run in CI): where the kernel refuses,
// the constructor throws saying so, and the test fails; it never passes without its disk.

#include <cstdint>
#include <filesystem>

namespace lookout::test {

class SmallDisk {
 public:
  /// Mounts a tmpfs of `bytes` (a multiple of the page size) on `where` (made if missing).
  SmallDisk(std::filesystem::path where, std::uint64_t bytes);
  /// Unmounts it (lazily: a process still holding a file there lets go when it exits).
  ~SmallDisk();
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes a filler file until the file system takes no byte more; returns its size.
  std::uint64_t fill();
  /// Removes the filler: the room it took is free again.
  void free();
  /// [bytes] free now, as statvfs says.
  std::uint64_t available() const;

 private:
  std::filesystem::path path_;
};

}  // namespace lookout::test
