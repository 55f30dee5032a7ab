// Tests for tools/sim/modbus_rtu_server.cpp: the simulator on one end of a real socat pty
// pair, a libmodbus RTU client (or raw bytes) on the other. Each test stops socat and the
// simulator it started.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <modbus.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/line_client.hpp"
#include "tests/support/process.hpp"
#include "tools/sim/rtu_frame.hpp"
#include "tools/sim/simulator.hpp"

using namespace lookout::sim;
using lookout::test::eventually;
using lookout::test::Process;
using lookout::test::send_line;
using lookout::test::TempDir;

namespace {

/// socat -d -d pty,raw,echo=0,link=DIR/gateway pty,raw,echo=0,link=DIR/sim; stopped on
/// destruction (lookout::test::Process sends SIGTERM, then SIGKILL).
class PtyPair {
 public:
  explicit PtyPair(const TempDir& dir)
      : gateway_((dir / "gateway").string()), sim_((dir / "sim").string()) {
    start(dir);
  }
  const std::string& gateway_end() const { return gateway_; }
  const std::string& sim_end() const { return sim_; }
  /// Stops socat and starts a new pair under the same names.
  void restart(const TempDir& dir) {
    socat_.reset();
    std::filesystem::remove(gateway_);
    std::filesystem::remove(sim_);
    start(dir);
  }

 private:
  void start(const TempDir& dir) {
    socat_ = std::make_unique<Process>(
        std::vector<std::string>{"socat", "-d", "-d", "pty,raw,echo=0,link=" + gateway_,
                                 "pty,raw,echo=0,link=" + sim_},
        dir / "socat.stderr");
    REQUIRE_MESSAGE(eventually(
                        [&] {
                          return std::filesystem::exists(gateway_) && std::filesystem::exists(sim_);
                        },
                        lookout::test::HUNG_RUN),
                    "socat made no pty pair: " << socat_->stderr_text());
  }
  std::string gateway_;
  std::string sim_;
  std::unique_ptr<Process> socat_;
};

/// The simulator with --rtu on its own thread; stopped and joined on destruction.
class RunningSimulator {
 public:
  explicit RunningSimulator(const Options& options) : sim_(options) {
    thread_ = std::thread([this] { sim_.run(); });
  }
  ~RunningSimulator() {
    sim_.stop();
    thread_.join();
  }
  RunningSimulator(const RunningSimulator&) = delete;
  RunningSimulator& operator=(const RunningSimulator&) = delete;
  Simulator& sim() { return sim_; }
  std::string control(const std::string& line) { return send_line(sim_.control_port(), line); }

 private:
  Simulator sim_;
  std::thread thread_;
};

Options line_options(const std::string& rtu) {
  Options o;
  o.rtu = rtu;
  o.warmup = Seconds{0.0};
  o.devices = {{"ch4-1", "XJ-CH4", 1}, {"rl-1", "XJ-RL80", 2}, {"vw-1", "XJ-VW4", 3},
               {"ar-1", "XJ-AR4", 4},  {"gn-1", "XJ-GN1", 5}};
  return o;
}

/// A libmodbus RTU master on the gateway end of the pair.
class RtuClient {
 public:
  explicit RtuClient(const std::string& path) : ctx_(modbus_new_rtu(path.c_str(), 9600, 'N', 8, 1)) {
    REQUIRE(ctx_ != nullptr);
    REQUIRE(modbus_connect(ctx_) == 0);
    modbus_set_response_timeout(ctx_, 1, 0);
  }
  ~RtuClient() {
    modbus_close(ctx_);
    modbus_free(ctx_);
  }
  RtuClient(const RtuClient&) = delete;
  RtuClient& operator=(const RtuClient&) = delete;
  modbus_t* unit(int id) {
    modbus_set_slave(ctx_, id);
    return ctx_;
  }

 private:
  modbus_t* ctx_;
};

/// The gateway end opened raw, for byte-level tests.
class RawLine {
 public:
  explicit RawLine(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC)) {
    REQUIRE(fd_ >= 0);
    termios tio{};
    REQUIRE(::tcgetattr(fd_, &tio) == 0);
    ::cfmakeraw(&tio);
    REQUIRE(::tcsetattr(fd_, TCSANOW, &tio) == 0);
  }
  ~RawLine() { ::close(fd_); }
  RawLine(const RawLine&) = delete;
  RawLine& operator=(const RawLine&) = delete;
  void send(const std::vector<std::uint8_t>& bytes) {
    REQUIRE(::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  /// Whatever arrives until `quiet_ms` pass with nothing more.
  std::vector<std::uint8_t> receive(int quiet_ms) {
    std::vector<std::uint8_t> out;
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, quiet_ms) > 0) {
      std::array<std::uint8_t, 256> buf{};
      const auto n = ::read(fd_, buf.data(), buf.size());
      if (n <= 0) break;
      out.insert(out.end(), buf.begin(), buf.begin() + n);
    }
    return out;
  }

 private:
  int fd_;
};

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("modbus_rtu_server: a libmodbus RTU master reads several units on one socat line") {
    TempDir dir;
    PtyPair pty(dir);
    RunningSimulator running(line_options(pty.sim_end()));
    CHECK(running.sim().banner().find("modbus-rtu serving " + pty.sim_end() + "\n") !=
          std::string::npos);
    RtuClient rtu(pty.gateway_end());
    std::array<std::uint16_t, 20> regs{};

    // GIVEN 1.25 %CH4 on unit 1 and a 3100 mm air gap on unit 2
    CHECK(running.control("set ch4-1 ch4 1.25") == "ok");
    CHECK(running.control("set rl-1 air_gap 3100") == "ok");
    // THEN both answer on the same line, each by its unit id
    REQUIRE(modbus_read_input_registers(rtu.unit(1), 0, 3, regs.data()) == 3);
    CHECK(regs[0] == 125);
    CHECK(regs[2] == 200);
    REQUIRE(modbus_read_registers(rtu.unit(2), 0, 4, regs.data()) == 4);
    CHECK(regs[0] == 0);
    CHECK(regs[1] == 3100);
    CHECK(regs[3] == 0);
    REQUIRE(modbus_read_input_registers(rtu.unit(1), 0, 2, regs.data()) == 2);
    CHECK(regs[0] == 125);

    // the sheets' request-size quirks, as a master sees them
    CHECK(modbus_read_input_registers(rtu.unit(3), 0, 16, regs.data()) == 16);
    CHECK(modbus_read_input_registers(rtu.unit(3), 0, 17, regs.data()) == -1);
    CHECK(errno == EMBXILADD);
    CHECK(modbus_read_registers(rtu.unit(2), 0, 9, regs.data()) == -1);
    CHECK(errno == EMBXILADD);

    // XJ-AR4 coils over 05 / 15 / 01 and its reset-button input
    REQUIRE(modbus_write_bit(rtu.unit(4), 2, 1) == 1);
    const std::array<std::uint8_t, 2> siren_beacon{1, 1};
    REQUIRE(modbus_write_bits(rtu.unit(4), 0, 2, siren_beacon.data()) == 2);
    std::array<std::uint8_t, 4> bits{};
    REQUIRE(modbus_read_bits(rtu.unit(4), 0, 4, bits.data()) == 4);
    CHECK(bits == std::array<std::uint8_t, 4>{1, 1, 1, 0});
    CHECK(running.control("set ar-1 reset_button 1") == "ok");
    REQUIRE(modbus_read_input_registers(rtu.unit(4), 0, 1, regs.data()) == 1);
    CHECK(regs[0] == 1);

    // the Modbus TCP station is not on the serial line; an absent unit is silent
    modbus_set_response_timeout(rtu.unit(5), 0, 300000);
    CHECK(modbus_read_input_registers(rtu.unit(5), 0, 10, regs.data()) == -1);
    CHECK(errno == ETIMEDOUT);
    CHECK(modbus_read_registers(rtu.unit(9), 0, 1, regs.data()) == -1);
    CHECK(errno == ETIMEDOUT);
    // and the line still works afterwards
    REQUIRE(modbus_read_registers(rtu.unit(2), 0, 4, regs.data()) == 4);
    CHECK(regs[1] == 3100);
  }

  TEST_CASE("modbus_rtu_server: an unplugged unit is silent and a garbage unit fails its CRC") {
    TempDir dir;
    PtyPair pty(dir);
    RunningSimulator running(line_options(pty.sim_end()));
    RtuClient rtu(pty.gateway_end());
    std::array<std::uint16_t, 4> regs{};
    modbus_set_response_timeout(rtu.unit(1), 0, 300000);

    // WHEN unit 1's cable is pulled THEN it times out while unit 2 still answers
    CHECK(running.control("set ch4-1 connected 0") == "ok");
    CHECK(modbus_read_input_registers(rtu.unit(1), 0, 3, regs.data()) == -1);
    CHECK(errno == ETIMEDOUT);
    CHECK(modbus_read_registers(rtu.unit(2), 0, 4, regs.data()) == 4);
    CHECK(running.control("set ch4-1 connected 1") == "ok");
    CHECK(modbus_read_input_registers(rtu.unit(1), 0, 3, regs.data()) == 3);

    // WHEN unit 2 answers garbage THEN the master sees a CRC error, every time
    CHECK(running.control("set rl-1 garbage 1") == "ok");
    for (int i = 0; i < 2; ++i) {
      CHECK(modbus_read_registers(rtu.unit(2), 0, 4, regs.data()) == -1);
      CHECK(errno == EMBBADCRC);
    }
    CHECK(modbus_read_input_registers(rtu.unit(1), 0, 3, regs.data()) == 3);
    CHECK(running.control("set rl-1 garbage 0") == "ok");
    CHECK(modbus_read_registers(rtu.unit(2), 0, 4, regs.data()) == 4);
    CHECK(regs[1] == 2350);
  }

  TEST_CASE("modbus_rtu_server: bad CRCs and broken frames get no answer and do not jam the line") {
    TempDir dir;
    PtyPair pty(dir);
    RunningSimulator running(line_options(pty.sim_end()));
    RawLine line(pty.gateway_end());
    const std::vector<std::uint8_t> read{2, 3, 0, 0, 0, 4};

    auto bad = with_crc(read);
    bad.back() ^= 0x55;
    line.send(bad);
    CHECK(line.receive(200).empty());
    // half a frame, then silence: dropped
    line.send({2, 3, 0});
    CHECK(line.receive(200).empty());
    // an unknown function code, framed by silence: exception 01
    line.send(with_crc({2, 0x2B, 0x0E, 1, 0}));
    CHECK(line.receive(200) == with_crc({2, 0xAB, 1}));
    // a good frame is answered
    line.send(with_crc(read));
    CHECK(line.receive(200) == with_crc({2, 3, 8, 0, 0, 0x09, 0x2E, 0, 40, 0, 0}));
    CHECK(running.sim().rtu()->crc_errors() == 2);
  }

  TEST_CASE("modbus_rtu_server: XJ-AR4 heartbeat timeout sets the beacon when writes stop") {
    TempDir dir;
    PtyPair pty(dir);
    RunningSimulator running(line_options(pty.sim_end()));
    RtuClient rtu(pty.gateway_end());
    std::array<std::uint8_t, 4> bits{};
    REQUIRE(modbus_write_register(rtu.unit(4), 0, 1) == 1);  // heartbeat 1 s
    REQUIRE(modbus_read_bits(rtu.unit(4), 0, 4, bits.data()) == 4);
    CHECK(bits[1] == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    REQUIRE(modbus_read_bits(rtu.unit(4), 0, 4, bits.data()) == 4);
    CHECK(bits[1] == 1);
    // the master clears it and keeps writing in time: it stays clear. The heartbeat is 10 s
    // now, so only a stall of over 9 s between two writes 400 ms apart could set it; the
    // expiry itself is shown above and, with an injected clock, in test_sim_xj_ar4.cpp.
    REQUIRE(modbus_write_register(rtu.unit(4), 0, 10) == 1);
    REQUIRE(modbus_write_bit(rtu.unit(4), 1, 0) == 1);
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      REQUIRE(modbus_write_register(rtu.unit(4), 0, 10) == 1);
    }
    REQUIRE(modbus_read_bits(rtu.unit(4), 0, 4, bits.data()) == 4);
    CHECK(bits[1] == 0);
  }

  TEST_CASE("modbus_rtu_server: serves again after socat is restarted") {
    TempDir dir;
    PtyPair pty(dir);
    RunningSimulator running(line_options(pty.sim_end()));
    std::array<std::uint16_t, 4> regs{};
    {
      RtuClient rtu(pty.gateway_end());
      REQUIRE(modbus_read_registers(rtu.unit(2), 0, 4, regs.data()) == 4);
    }
    pty.restart(dir);
    // the simulator notices the hang-up and reopens the path
    RtuClient rtu(pty.gateway_end());
    modbus_set_response_timeout(rtu.unit(2), 0, 200000);
    const bool served = eventually(
        [&] { return modbus_read_registers(rtu.unit(2), 0, 4, regs.data()) == 4; },
        lookout::test::HUNG_RUN);
    CHECK(served);
  }

  TEST_CASE("modbus_rtu_server: a path that is not a serial line is refused") {
    TempDir dir;
    CHECK_THROWS_WITH(RunningSimulator(line_options((dir / "missing").string())),
                      doctest::Contains("modbus-rtu cannot open"));
    lookout::test::write_file(dir / "plain", "x");
    CHECK_THROWS_WITH(RunningSimulator(line_options((dir / "plain").string())),
                      doctest::Contains("modbus-rtu cannot open"));
  }
}
