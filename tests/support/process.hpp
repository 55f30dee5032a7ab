#pragma once
// A child process for integration tests: started with its stdout captured line by line
// and its stderr in a file; stopped (SIGTERM, then SIGKILL) when the object goes away,
// and killed by the kernel if the test binary dies first.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lookout::test {

class Process {
 public:
  Process(std::vector<std::string> argv, std::filesystem::path stderr_file);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// Waits for a stdout line that contains `needle`; returns it, or nullopt on timeout.
  std::optional<std::string> wait_for_line(const std::string& needle, std::chrono::milliseconds timeout);
  /// Every stdout line so far.
  std::vector<std::string> lines();
  /// SIGTERM, wait up to `grace`, then SIGKILL; returns the exit status (or 128+signal).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  /// SIGKILL at once.
  void kill_hard();
  bool running();
  pid_t pid() const { return pid_; }
  std::string stderr_text() const;

 private:
  void reader();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::filesystem::path stderr_file_;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  std::optional<int> exit_status_;
};

/// A fresh temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
/// True once something accepts TCP connections on 127.0.0.1:port, within `timeout`.
bool wait_for_port(int port, std::chrono::milliseconds timeout);
/// Polls `pred` every 50 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
/// The deadline of a wait for something that must happen (a poll, a process start, a broker
/// round trip): it only bounds a hung run. 30 s: what takes well under a second on an idle
/// machine may take many times longer on a loaded 2-core one, and a test must pass on both.
inline constexpr std::chrono::seconds HUNG_RUN{30};
/// Writes a text file.
void write_file(const std::filesystem::path& file, const std::string& text);
/// The path of a built program (build/bin/NAME), or of the one in $LOOKOUT_TEST_PROGRAMS
/// when that directory has it (tools/tsan runs the tests with its instrumented programs).
std::string bin(const std::string& name);

}  // namespace lookout::test
