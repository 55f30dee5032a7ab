// Tests for tools/sim/simulator.cpp with modbus_tcp_server.cpp and control_server.cpp:
// the simulator served in-process on 127.0.0.1, read with a libmodbus TCP client.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tools/sim/modbus_tcp_server.hpp"
#include "tools/sim/simulator.hpp"

using namespace lookout::sim;

namespace {

/// The simulator on its own thread; stopped and joined on destruction.
class RunningSimulator {
 public:
  explicit RunningSimulator(double warmup_s = 0.0) : RunningSimulator(make_options(warmup_s)) {}
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

 private:
  static Options make_options(double warmup_s) {
    Options o;
    o.devices = {{"ch4-1", "XJ-CH4", 1}, {"gd-1", "XJ-GD100", 2}};
    o.warmup = Seconds{warmup_s};
    return o;
  }
  Simulator sim_;
  std::thread thread_;
};

/// A connected loopback TCP socket, closed on destruction.
class Socket {
 public:
  explicit Socket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void send_all(std::string_view data) {
    REQUIRE(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(data.size()));
  }
  /// Up to max bytes, waiting at most timeout_ms for the first; "" on timeout or EOF.
  std::string receive(int timeout_ms, std::size_t max = 4096) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return {};
    std::string buf(max, '\0');
    const auto n = ::recv(fd_, buf.data(), buf.size(), 0);
    buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return buf;
  }
  /// One reply line of the control protocol, without its newline.
  std::string line(int timeout_ms = 2000) {
    while (pending_.find('\n') == std::string::npos) {
      const auto more = receive(timeout_ms);
      if (more.empty()) return "<no reply>";
      pending_ += more;
    }
    const auto nl = pending_.find('\n');
    auto result = pending_.substr(0, nl);
    pending_.erase(0, nl + 1);
    return result;
  }
  std::string request(const std::string& text) {
    send_all(text + "\n");
    return line();
  }

 private:
  int fd_;
  std::string pending_;
};

/// A libmodbus TCP client, freed on destruction.
class Client {
 public:
  explicit Client(std::uint16_t port) : ctx_(modbus_new_tcp("127.0.0.1", port)) {
    REQUIRE(ctx_ != nullptr);
    REQUIRE(modbus_connect(ctx_) == 0);
    modbus_set_response_timeout(ctx_, 1, 0);
  }
  ~Client() {
    modbus_close(ctx_);
    modbus_free(ctx_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  modbus_t* operator*() const { return ctx_; }

 private:
  modbus_t* ctx_;
};

float cdab_float(const std::uint16_t* words) {
  return std::bit_cast<float>((std::uint32_t{words[1]} << 16) | words[0]);
}

std::string mbap_read(std::uint8_t unit, std::uint8_t function, std::uint16_t address,
                      std::uint16_t count, std::uint16_t tid = 1) {
  const std::array<std::uint8_t, 12> f{
      static_cast<std::uint8_t>(tid >> 8), static_cast<std::uint8_t>(tid), 0, 0, 0, 6, unit,
      function, static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address),
      static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count)};
  return std::string(f.begin(), f.end());
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("simulator: read over Modbus TCP - set over control - read again") {
    // GIVEN a simulator with an XJ-CH4 at unit 1 and an XJ-GD100 at unit 2, no warm-up
    RunningSimulator running;
    auto& sim = running.sim();
    REQUIRE(sim.modbus_port() != 0);
    REQUIRE(sim.control_port() != 0);
    CHECK(sim.banner() == "modbus-tcp listening on 127.0.0.1:" +
                              std::to_string(sim.modbus_port()) + "\ncontrol listening on " +
                              "127.0.0.1:" + std::to_string(sim.control_port()) +
                              "\ndevice ch4-1 XJ-CH4 unit 1\ndevice gd-1 XJ-GD100 unit 2\n");
    Client modbus(sim.modbus_port());
    Socket control(sim.control_port());

    // WHEN the CH4 sensor is read THEN 0.00 %CH4, normal, 20.0 degC
    std::array<std::uint16_t, 12> regs{};
    modbus_set_slave(*modbus, 1);
    REQUIRE(modbus_read_input_registers(*modbus, 0, 3, regs.data()) == 3);
    CHECK(regs[0] == 0);
    CHECK(regs[1] == 0);
    CHECK(regs[2] == 200);

    // WHEN 1.25 %CH4 is set over the control port THEN IR 0 reads 125
    CHECK(control.request("set ch4-1 ch4 1.25") == "ok");
    REQUIRE(modbus_read_input_registers(*modbus, 0, 3, regs.data()) == 3);
    CHECK(regs[0] == 125);
    CHECK(control.request("set ch4-1 status fault") == "ok");
    REQUIRE(modbus_read_input_registers(*modbus, 0, 2, regs.data()) == 2);
    CHECK(regs[0] == 65535);
    CHECK(regs[1] == 2);

    // The GD100 on unit 2: 12.5 ppm H2S as CDAB float
    CHECK(control.request("set gd-1 concentration 12.5") == "ok");
    modbus_set_slave(*modbus, 2);
    REQUIRE(modbus_read_registers(*modbus, 0, 12, regs.data()) == 12);
    CHECK(regs[1] == 2);
    CHECK(regs[2] == 0x0000);
    CHECK(regs[3] == 0x4148);
    CHECK(cdab_float(&regs[2]) == 12.5f);
    CHECK(modbus_get_float_cdab(&regs[2]) == 12.5f);  // libmodbus agrees on CDAB
    CHECK(regs[4] == 1);

    CHECK(control.request("set gd-1 gas CO") == "ok");
    CHECK(control.request("set gd-1 concentration 2000") == "ok");
    REQUIRE(modbus_read_registers(*modbus, 0, 6, regs.data()) == 6);
    CHECK(regs[1] == 3);
    CHECK(cdab_float(&regs[2]) == 1000.0f);
    CHECK(regs[5] == 4);

    // and the control port sees the same words
    const auto j = nlohmann::json::parse(control.request("get gd-1"));
    CHECK(j["registers"]["holding"]["words"][5] == 4);
  }

  TEST_CASE("simulator: function codes and addresses the sheets do not list") {
    RunningSimulator running;
    Client modbus(running.sim().modbus_port());
    std::array<std::uint16_t, 4> regs{};

    // XJ-CH4 HR 10 local_alarm: function 03 and 06 (XJ-CH4.md)
    modbus_set_slave(*modbus, 1);
    REQUIRE(modbus_read_registers(*modbus, 10, 1, regs.data()) == 1);
    CHECK(regs[0] == 100);
    REQUIRE(modbus_write_register(*modbus, 10, 150) == 1);
    REQUIRE(modbus_read_registers(*modbus, 10, 1, regs.data()) == 1);
    CHECK(regs[0] == 150);
    Socket control(running.sim().control_port());
    CHECK(nlohmann::json::parse(control.request("get ch4-1"))["state"]["local_alarm"] == 1.5);

    // no HR 0 on the CH4: illegal data address
    CHECK(modbus_read_registers(*modbus, 0, 1, regs.data()) == -1);
    CHECK(errno == EMBXILADD);
    // IR 3 does not exist either
    CHECK(modbus_read_input_registers(*modbus, 0, 4, regs.data()) == -1);
    CHECK(errno == EMBXILADD);
    // function 16 is not on the sheet: illegal function
    const std::uint16_t value = 1;
    CHECK(modbus_write_registers(*modbus, 10, 1, &value) == -1);
    CHECK(errno == EMBXILFUN);

    // XJ-GD100 answers function 03 only
    modbus_set_slave(*modbus, 2);
    CHECK(modbus_read_input_registers(*modbus, 0, 1, regs.data()) == -1);
    CHECK(errno == EMBXILFUN);
    CHECK(modbus_write_register(*modbus, 0, 1) == -1);
    CHECK(errno == EMBXILFUN);
    CHECK(modbus_read_registers(*modbus, 11, 2, regs.data()) == -1);
    CHECK(errno == EMBXILADD);

    // an unknown unit id gets no answer at all
    modbus_set_response_timeout(*modbus, 0, 200000);
    modbus_set_slave(*modbus, 9);
    CHECK(modbus_read_registers(*modbus, 0, 1, regs.data()) == -1);
    CHECK(errno == ETIMEDOUT);
  }

  TEST_CASE("simulator: warm-up ends after --warmup-s or with 'mode normal'") {
    RunningSimulator running(0.3);
    Client modbus(running.sim().modbus_port());
    Socket control(running.sim().control_port());
    std::array<std::uint16_t, 4> regs{};
    modbus_set_slave(*modbus, 1);
    REQUIRE(modbus_read_input_registers(*modbus, 0, 2, regs.data()) == 2);
    CHECK(regs[1] == 1);
    modbus_set_slave(*modbus, 2);
    REQUIRE(modbus_read_registers(*modbus, 0, 4, regs.data()) == 4);
    CHECK(regs[0] == 0x0001);
    CHECK(std::isnan(cdab_float(&regs[2])));
    CHECK(control.request("set gd-1 mode normal") == "ok");
    REQUIRE(modbus_read_registers(*modbus, 0, 4, regs.data()) == 4);
    CHECK(regs[0] == 0x0002);
    // the CH4 warms up by itself
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    modbus_set_slave(*modbus, 1);
    REQUIRE(modbus_read_input_registers(*modbus, 0, 2, regs.data()) == 2);
    CHECK(regs[1] == 0);
  }

  TEST_CASE("simulator: broken clients neither crash nor stall it") {
    RunningSimulator running;
    const auto port = running.sim().modbus_port();

    // a client that sends half a frame and then nothing
    Socket partial(port);
    partial.send_all(mbap_read(1, 4, 0, 3).substr(0, 5));
    // a client that sends junk (protocol id not 0): it gets dropped
    Socket junk(port);
    junk.send_all("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(junk.receive(1000).empty());
    // a client that hangs up mid-frame
    { Socket gone(port); gone.send_all(mbap_read(1, 4, 0, 3).substr(0, 9)); }
    // a frame whose length field does not fit its function: exception 03
    Socket bad_length(port);
    bad_length.send_all(std::string("\x00\x07\x00\x00\x00\x04\x01\x04\x00\x00", 10));
    const auto ex = bad_length.receive(1000);
    REQUIRE(ex.size() == 9);
    CHECK(static_cast<std::uint8_t>(ex[7]) == 0x84);
    CHECK(ex[8] == 0x03);

    // meanwhile a good client is answered, also with two frames in one write: a server held
    // up by the half frame (never completed) would leave it without an answer
    Socket good(port);
    good.send_all(mbap_read(1, 4, 0, 3, 7) + mbap_read(2, 3, 0, 2, 8));
    std::string answers;
    while (answers.size() < 15 + 13) {
      const auto more = good.receive(1000);
      if (more.empty()) break;
      answers += more;
    }
    REQUIRE(answers.size() == 15 + 13);
    CHECK(answers[1] == 7);   // transaction ids echoed, in order
    CHECK(answers[15 + 1] == 8);
    CHECK(answers[6] == 1);   // unit ids
    CHECK(answers[15 + 6] == 2);

    // the half frame completed later is still answered
    partial.send_all(mbap_read(1, 4, 0, 3).substr(5));
    CHECK(partial.receive(1000).size() == 15);

    // control: garbage, over-long lines and several clients
    Socket c1(running.sim().control_port());
    Socket c2(running.sim().control_port());
    CHECK(c1.request("hello there").starts_with("error: "));
    CHECK(c1.request(std::string(5000, 'x')).starts_with("error: line too long"));
    CHECK(c2.request("set ch4-1 ch4 0.5") == "ok");
    CHECK(c1.request("list").starts_with("{\"devices\":"));
    c1.send_all("set ch4-1 ch4 0.7\nset ch4-1 temperature 30\nget ch4-1\n");
    CHECK(c1.line() == "ok");
    CHECK(c1.line() == "ok");
    CHECK(nlohmann::json::parse(c1.line())["registers"]["input"]["words"] ==
          nlohmann::json::array({70, 0, 300}));
  }

  TEST_CASE("simulator: unplugged and garbage devices over Modbus TCP") {
    RunningSimulator running;
    Client modbus(running.sim().modbus_port());
    Socket control(running.sim().control_port());
    std::array<std::uint16_t, 4> regs{};
    modbus_set_response_timeout(*modbus, 0, 300000);

    // WHEN the CH4 is unplugged THEN no answer, while the GD100 on the same port answers
    CHECK(control.request("set ch4-1 connected 0") == "ok");
    modbus_set_slave(*modbus, 1);
    CHECK(modbus_read_input_registers(*modbus, 0, 3, regs.data()) == -1);
    CHECK(errno == ETIMEDOUT);
    modbus_set_slave(*modbus, 2);
    CHECK(modbus_read_registers(*modbus, 0, 2, regs.data()) == 2);
    CHECK(nlohmann::json::parse(control.request("get ch4-1"))["connected"] == false);
    CHECK(control.request("set ch4-1 connected 1") == "ok");

    // WHEN the GD100 answers garbage THEN libmodbus reports bad data, the connection stays usable
    CHECK(control.request("set gd-1 garbage 1") == "ok");
    for (int i = 0; i < 2; ++i) {
      CHECK(modbus_read_registers(*modbus, 0, 2, regs.data()) == -1);
      CHECK(errno == EMBBADDATA);
    }
    modbus_set_slave(*modbus, 1);
    CHECK(modbus_read_input_registers(*modbus, 0, 3, regs.data()) == 3);
    CHECK(control.request("set gd-1 garbage 0") == "ok");
    modbus_set_slave(*modbus, 2);
    CHECK(modbus_read_registers(*modbus, 0, 2, regs.data()) == 2);
    CHECK(regs[1] == 2);
    CHECK(control.request("set gd-1 garbage maybe").starts_with("error: garbage wants 0|1"));
  }

  TEST_CASE("simulator: the other six models over Modbus TCP") {
    Options o;
    o.warmup = Seconds{0.0};
    o.devices = {{"vw-1", "XJ-VW4", 1}, {"rl-1", "XJ-RL80", 2}, {"rg-1", "XJ-RG2", 3},
                 {"in-1", "XJ-IN3", 4}, {"gn-1", "XJ-GN1", 5},  {"ar-1", "XJ-AR4", 6}};
    RunningSimulator running(o);
    Client modbus(running.sim().modbus_port());
    Socket control(running.sim().control_port());
    std::array<std::uint16_t, 20> regs{};

    modbus_set_slave(*modbus, 1);
    REQUIRE(modbus_read_input_registers(*modbus, 0, 16, regs.data()) == 16);
    CHECK(modbus_get_float_abcd(&regs[0]) == 2700.0f);
    CHECK(modbus_read_input_registers(*modbus, 0, 17, regs.data()) == -1);
    CHECK(errno == EMBXILADD);
    CHECK(modbus_write_register(*modbus, 102, 4) == -1);
    CHECK(errno == EMBXILVAL);

    modbus_set_slave(*modbus, 2);
    REQUIRE(modbus_read_registers(*modbus, 0, 4, regs.data()) == 4);
    CHECK(regs[1] == 2350);
    CHECK(modbus_read_registers(*modbus, 0, 9, regs.data()) == -1);
    CHECK(errno == EMBXILADD);

    modbus_set_slave(*modbus, 3);
    CHECK(control.request("set rg-1 tips 4294967295") == "ok");
    CHECK(control.request("set rg-1 add_tips 2") == "ok");
    REQUIRE(modbus_read_registers(*modbus, 0, 5, regs.data()) == 5);
    CHECK(regs[0] == 1);
    CHECK(regs[4] == 1);
    CHECK(control.request("set rg-1 power_cycle 1") == "ok");
    REQUIRE(modbus_read_registers(*modbus, 0, 5, regs.data()) == 5);
    CHECK(regs[0] == 0);
    CHECK(regs[4] == 2);

    modbus_set_slave(*modbus, 4);
    CHECK(control.request("set in-1 tilt_x -1.25") == "ok");
    REQUIRE(modbus_read_input_registers(*modbus, 0, 6, regs.data()) == 6);
    CHECK(static_cast<std::int32_t>((std::uint32_t{regs[1]} << 16) | regs[0]) == -1250);

    modbus_set_slave(*modbus, 5);
    CHECK(control.request("set gn-1 d_north 2.5") == "ok");
    CHECK(control.request("set gn-1 solution float") == "ok");
    REQUIRE(modbus_read_input_registers(*modbus, 0, 10, regs.data()) == 10);
    const auto epoch = (std::uint32_t{regs[8]} << 16) | regs[9];
    CHECK(modbus_get_float_abcd(&regs[0]) == 0.0f);  // same epoch: same solution
    CHECK(control.request("set gn-1 new_epoch 1") == "ok");
    REQUIRE(modbus_read_input_registers(*modbus, 0, 10, regs.data()) == 10);
    CHECK(modbus_get_float_abcd(&regs[0]) == 2.5f);
    CHECK(regs[6] == 2);
    CHECK(((std::uint32_t{regs[8]} << 16) | regs[9]) > epoch);
    REQUIRE(modbus_write_register(*modbus, 20, 1) == 1);
    REQUIRE(modbus_read_registers(*modbus, 20, 1, regs.data()) == 1);
    CHECK(regs[0] == 1);

    modbus_set_slave(*modbus, 6);
    REQUIRE(modbus_write_bit(*modbus, 0, 1) == 1);
    std::array<std::uint8_t, 4> bits{};
    REQUIRE(modbus_read_bits(*modbus, 0, 4, bits.data()) == 4);
    CHECK(bits == std::array<std::uint8_t, 4>{1, 0, 0, 0});
    CHECK(modbus_read_bits(*modbus, 0, 5, bits.data()) == -1);
    CHECK(errno == EMBXILADD);
  }

  TEST_CASE("pdu_length_ok checks the PDU against its function code") {
    const auto frame = [](std::string_view bytes) {
      return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                           bytes.size());
    };
    const auto read = mbap_read(1, 3, 0, 1);
    CHECK(pdu_length_ok(frame(read)));
    CHECK_FALSE(pdu_length_ok(frame(read.substr(0, 11))));
    CHECK_FALSE(pdu_length_ok(frame(read.substr(0, 7))));
    // 16: address 10, 1 register, 2 bytes
    CHECK(pdu_length_ok(frame(std::string("\0\1\0\0\0\x09\1\x10\0\x0a\0\1\2\0\1", 15))));
    CHECK_FALSE(pdu_length_ok(frame(std::string("\0\1\0\0\0\x09\1\x10\0\x0a\0\1\4\0\1", 15))));
    CHECK(pdu_length_ok(frame(std::string("\0\1\0\0\0\2\1\x2b", 8))));  // unknown: let it through
  }
}
