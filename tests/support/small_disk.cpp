#include "tests/support/small_disk.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace lookout::test {
namespace {

constexpr const char* FILLER = "filler";

}  // namespace

SmallDisk::SmallDisk(std::filesystem::path where, std::uint64_t bytes) : path_(std::move(where)) {
  std::filesystem::create_directories(path_);
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
  if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    throw std::runtime_error("cannot mount a tmpfs of " + std::to_string(bytes) + " bytes on " + path_.string() +
                             " (mount(2): " + std::strerror(errno) +
                             "): this test needs a disk it can fill, and root (CAP_SYS_ADMIN) to make one, "
                             "as the tests have in CI");
  }
}

SmallDisk::~SmallDisk() { ::umount2(path_.c_str(), MNT_DETACH); }

std::uint64_t SmallDisk::fill() {
  const auto file = path_ / FILLER;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(file.string() + ": " + std::strerror(errno));
  // Large writes while they fit, then ever smaller ones, down to a byte: then nothing fits.
  std::vector<char> block(1 << 20, 'x');
  std::size_t size = block.size();
  while (size > 0) {
    const ssize_t n = ::write(fd, block.data(), size);
    if (n > 0) continue;
    if (n < 0 && errno != ENOSPC) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      throw std::runtime_error(file.string() + ": " + why);
    }
    size /= 2;
  }
  ::fsync(fd);
  ::close(fd);
  return std::filesystem::file_size(file);
}

void SmallDisk::free() { std::filesystem::remove(path_ / FILLER); }

std::uint64_t SmallDisk::available() const {
  struct statvfs s {};
  if (::statvfs(path_.c_str(), &s) != 0) return 0;
  return static_cast<std::uint64_t>(s.f_bavail) * s.f_frsize;
}

}  // namespace lookout::test
