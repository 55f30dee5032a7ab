#include "tests/support/power_loss_disk.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/command.hpp"
#include "tests/support/line_client.hpp"

namespace lookout::test {
namespace {

/// The value of `key=N` in a line of the file system's answer, or -1.
std::int64_t figure(const std::string& line, const std::string& key) {
  const auto at = line.find(" " + key + "=");
  return at == std::string::npos ? -1 : std::stoll(line.substr(at + key.size() + 2));
}

/// What the file system logged, less the line of fusermount's auto_unmount helper, which
/// finds the mount already taken down when it comes to take it down.
std::string errors(const std::string& log) {
  std::istringstream in(log);
  std::string out, line;
  while (std::getline(in, line)) {
    const bool helper = line.rfind("fusermount", 0) == 0 && line.size() > 12 &&
                        line.compare(line.size() - 12, 12, " not mounted") == 0;
    if (!helper) out += line + "\n";
  }
  return out;
}

std::string script() { return std::string(LOOKOUT_SOURCE_DIR) + "/tests/support/power_loss_fs.py"; }

}  // namespace

PowerLossDisk::PowerLossDisk() : backing_(dir_ / "disk"), mountpoint_(dir_ / "mnt") {
  std::filesystem::create_directories(backing_);
  std::filesystem::create_directories(mountpoint_);
  // As the mount table spells it; resolved now, while nothing is mounted there.
  mountpoint_ = std::filesystem::canonical(mountpoint_);
  mount();
}

PowerLossDisk::~PowerLossDisk() {
  if (fs_) unmount();
}

void PowerLossDisk::mount() {
  REQUIRE_MESSAGE(!fs_, "mount(): already mounted");
  const auto log = dir_ / ("fs." + std::to_string(++mounts_) + ".log");
  // Debian's python3: a python3 earlier on PATH may not see python3-fusepy.
  fs_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/python3", script(), backing_.string(), mountpoint_.string()}, log);
  std::optional<std::string> ready;
  const auto deadline = std::chrono::steady_clock::now() + HUNG_RUN;
  while (!ready && fs_->running() && std::chrono::steady_clock::now() < deadline) {
    ready = fs_->wait_for_line("control listening on", std::chrono::milliseconds(100));
  }
  if (!ready || !mounted()) {
    const std::string why = fs_->stderr_text();
    fs_->stop();
    fs_.reset();
    FAIL("FUSE cannot mount the power-loss disk here, so the power-loss test cannot run. It needs "
         "/dev/fuse, the right to mount (root, or fusermount3), /usr/bin/python3 with python3-fusepy, "
         "and fuse3 (tools/setup test installs both). The file system said:\n"
         << why);
  }
  control_port_ = std::stoi(ready->substr(ready->rfind(':') + 1));
}

CutFigures PowerLossDisk::cut() {
  REQUIRE_MESSAGE(fs_, "cut(): not mounted");
  const auto answer = send_line(control_port_, "cut");
  REQUIRE_MESSAGE(answer.rfind("ok", 0) == 0, "the power-loss disk answered: " << answer);
  return {figure(answer, "dropped_writes"), figure(answer, "dropped_bytes"), figure(answer, "dropped_names")};
}

void PowerLossDisk::unmount() {
  if (!fs_) return;
  const auto r = run_command({"fusermount3", "-u", mountpoint_.string()}, std::chrono::seconds(10));
  CHECK_MESSAGE(r.status == 0, "fusermount3 -u " << mountpoint_.string() << " (a file still open on it?): " << r.err);
  if (r.status != 0) run_command({"fusermount3", "-u", "-z", mountpoint_.string()}, std::chrono::seconds(10));
  // The file system ends once the kernel lets it go.
  eventually([&] { return !fs_->running(); }, HUNG_RUN);
  const int status = fs_->stop();
  const auto log = errors(fs_->stderr_text());
  CHECK_MESSAGE(status == 0, "the power-loss file system exited with " << status << ":\n" << log);
  CHECK_MESSAGE(log.empty(), "the power-loss file system logged:\n" << log);
  fs_.reset();
  CHECK_MESSAGE(!mounted(), mountpoint_.string() << " is still mounted");
}

void PowerLossDisk::power_on_again() {
  unmount();
  mount();
}

bool PowerLossDisk::mounted() const {
  // /proc/self/mountinfo: the fifth field is the mount point (spaces escaped as \040; ours
  // has none).
  std::ifstream in("/proc/self/mountinfo");
  const auto where = mountpoint_.string();
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    if (point == where) return true;
  }
  return false;
}

}  // namespace lookout::test
