// Tests for tools/sim/main.cpp: the lookout-sim program as other tests start it.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <modbus.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "firmware/command_line.hpp"
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

namespace {

// LOOKOUT_BIN_DIR comes from tests/CMakeLists.txt.
const std::string SIM = std::string(LOOKOUT_BIN_DIR) + "/lookout-sim";

bool sim_built() {
  struct stat st {};
  return ::stat(SIM.c_str(), &st) == 0;
}

/// "WHAT listening on 127.0.0.1:PORT" with a non-zero port.
bool is_listening_line(std::string_view line, std::string_view what) {
  const std::string prefix = std::string(what) + " listening on 127.0.0.1:";
  if (!line.starts_with(prefix)) return false;
  const auto port = line.substr(prefix.size());
  return !port.empty() && port.size() <= 5 && port[0] != '0' &&
         port.find_first_not_of("0123456789") == std::string_view::npos;
}

/// lookout-sim as a child process with stdout and stderr on pipes; killed if still running
/// at destruction.
class Process {
 public:
  explicit Process(std::vector<std::string> args) {
    int out[2];
    int err[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(SIM.c_str()));
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(SIM.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
    ::close(err_);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  /// Reads stdout until `lines` lines arrived or the timeout passed.
  std::vector<std::string> read_lines(std::size_t lines, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::vector<std::string> result;
    while (result.size() < lines) {
      const auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        result.push_back(buffer_.substr(0, nl));
        buffer_.erase(0, nl + 1);
        continue;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{out_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[512];
      const auto n = ::read(out_, buf, sizeof buf);
      if (n <= 0) break;
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
    return result;
  }

  std::string read_stderr() {
    std::string text;
    char buf[512];
    ssize_t n = 0;
    while ((n = ::read(err_, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
    return text;
  }

  void signal(int sig) { ::kill(pid_, sig); }

  /// The exit status, or -1 if it did not exit within timeout_ms.
  int wait_exit(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string buffer_;
};

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("lookout-sim prints its addresses and stops on SIGTERM and SIGINT") {
    if (!sim_built()) {
      MESSAGE("skipped: " << SIM << " is not built");
      return;
    }
    for (const int sig : {SIGTERM, SIGINT}) {
      CAPTURE(sig);
      Process sim({"--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--device",
                   "ch4-1=XJ-CH4@1", "--device", "gd-1=XJ-GD100@2"});
      const auto lines = sim.read_lines(4, 5000);
      REQUIRE(lines.size() == 4);
      CHECK(is_listening_line(lines[0], "modbus-tcp"));
      CHECK(is_listening_line(lines[1], "control"));
      CHECK(lines[2] == "device ch4-1 XJ-CH4 unit 1");
      CHECK(lines[3] == "device gd-1 XJ-GD100 unit 2");
      sim.signal(sig);
      CHECK(sim.wait_exit(1000) == 0);
    }
  }

  TEST_CASE("lookout-sim refuses bad command lines with exit status 2") {
    if (!sim_built()) {
      MESSAGE("skipped: " << SIM << " is not built");
      return;
    }
    {
      Process sim({"--device", "x=XJ-NOPE@1"});
      CHECK(sim.wait_exit(5000) == 2);
      CHECK(sim.read_stderr().find("x=XJ-NOPE@1") != std::string::npos);
    }
    {
      Process sim({"--listen", "0.0.0.0:0", "--device", "x=XJ-CH4@1"});
      CHECK(sim.wait_exit(5000) == 2);
      CHECK(sim.read_stderr().find("loopback") != std::string::npos);
    }
    {
      Process sim({"--help"});
      const auto lines = sim.read_lines(1, 5000);
      REQUIRE(lines.size() == 1);
      CHECK(lines[0].starts_with("usage: lookout-sim"));
      CHECK(sim.wait_exit(5000) == 0);
    }
  }

  TEST_CASE("lookout-sim answers --help and --version on stdout and names an unknown option with exit 2") {
    using lookout::test::run_command;
    for (const char* help : {"--help", "-h"}) {
      const auto r = run_command({SIM, help});
      CHECK(r.status == 0);
      CHECK(r.err.empty());
      CHECK(r.out.starts_with("usage: lookout-sim [--listen HOST:PORT]"));
      CHECK(r.out.find("\n  --device NAME=MODEL@UNIT") != std::string::npos);
    }
    auto r = run_command({SIM, "--version"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "lookout-sim " + std::string(lookout::command_line::version()) + "\n");
    r = run_command({SIM, "--device", "a=XJ-CH4@1", "--verbose"});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("lookout-sim: unknown option \"--verbose\"\nusage: lookout-sim "));
    r = run_command({SIM});
    CHECK(r.status == 2);
    CHECK(r.err.starts_with("lookout-sim: at least one --device NAME=MODEL@UNIT, or a --scenario, is required"));
  }

  TEST_CASE("lookout-sim --rtu serves a socat pty and names it on start") {
    if (!sim_built()) {
      MESSAGE("skipped: " << SIM << " is not built");
      return;
    }
    lookout::test::TempDir dir;
    const auto gateway_end = (dir / "gateway").string();
    const auto sim_end = (dir / "sim").string();
    lookout::test::Process socat({"socat", "-d", "-d", "pty,raw,echo=0,link=" + gateway_end,
                                  "pty,raw,echo=0,link=" + sim_end},
                                 dir / "socat.stderr");
    REQUIRE(lookout::test::eventually(
        [&] { return std::filesystem::exists(gateway_end) && std::filesystem::exists(sim_end); },
        lookout::test::HUNG_RUN));
    Process sim({"--rtu", sim_end, "--device", "rl-1=XJ-RL80@2"});
    const auto lines = sim.read_lines(4, 5000);
    REQUIRE(lines.size() == 4);
    CHECK(lines[2] == "modbus-rtu serving " + sim_end);
    CHECK(lines[3] == "device rl-1 XJ-RL80 unit 2");

    auto* ctx = modbus_new_rtu(gateway_end.c_str(), 9600, 'N', 8, 1);
    REQUIRE(ctx != nullptr);
    REQUIRE(modbus_connect(ctx) == 0);
    modbus_set_response_timeout(ctx, 1, 0);
    modbus_set_slave(ctx, 2);
    std::array<std::uint16_t, 4> regs{};
    CHECK(modbus_read_registers(ctx, 0, 4, regs.data()) == 4);
    CHECK(regs[1] == 2350);
    modbus_close(ctx);
    modbus_free(ctx);
    sim.signal(SIGTERM);
    CHECK(sim.wait_exit(1000) == 0);

    Process missing({"--rtu", (dir / "nothing").string(), "--device", "rl-1=XJ-RL80@2"});
    CHECK(missing.wait_exit(5000) == 1);
    CHECK(missing.read_stderr().find("modbus-rtu cannot open") != std::string::npos);
  }
}
