#include "tools/sim/modbus_rtu_server.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace lookout::sim {

namespace {

// Silence that ends a frame. The sheets ask for 3.5 characters (about 4 ms at 9600 baud);
// a pty has no baud-rate timing and delivers a frame in one or a few reads, so a longer
// gap only matters for frames that stop half-way, which are then dropped.
constexpr auto FRAME_GAP = std::chrono::milliseconds(30);
// After the other end of the pty pair went away (socat stopped), try the path again.
constexpr auto REOPEN_PERIOD = std::chrono::milliseconds(500);

int ms_until(Clock::time_point now, Clock::time_point then) {
  if (then <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(then - now).count());
}

}  // namespace

ModbusRtuServer::ModbusRtuServer(std::string path, DeviceSet& devices, Clock::time_point start)
    : path_(std::move(path)), devices_(devices), start_(start) {
  if (!open_line()) {
    throw std::runtime_error("modbus-rtu cannot open " + path_ + ": " + std::strerror(errno));
  }
}

bool ModbusRtuServer::open_line() {
  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return false;
  termios tio{};
  if (::tcgetattr(fd.get(), &tio) < 0) return false;  // ENOTTY: not a serial line
  ::cfmakeraw(&tio);
  ::cfsetispeed(&tio, B9600);  // datasheets/README.md: 9600 8N1
  ::cfsetospeed(&tio, B9600);
  tio.c_cflag = static_cast<tcflag_t>((tio.c_cflag & ~(CSIZE | PARENB | CSTOPB)) | CS8 | CLOCAL | CREAD);
  if (::tcsetattr(fd.get(), TCSANOW, &tio) < 0) return false;
  ::tcflush(fd.get(), TCIOFLUSH);
  fd_ = std::move(fd);
  return true;
}

void ModbusRtuServer::add_poll_fds(std::vector<pollfd>& fds) const {
  if (fd_) fds.push_back({fd_.get(), POLLIN, 0});
}

int ModbusRtuServer::poll_timeout_ms(Clock::time_point now) const {
  if (!fd_) return ms_until(now, next_reopen_);
  int wait = -1;
  if (!framer_.empty()) wait = ms_until(now, last_byte_ + FRAME_GAP);
  if (!late_.empty()) {
    const int due = ms_until(now, late_.front().first);
    wait = wait < 0 ? due : std::min(wait, due);
  }
  return wait;
}

void ModbusRtuServer::on_poll(std::span<const pollfd> ready) {
  const auto now = Clock::now();
  if (!fd_) {
    if (now >= next_reopen_ && !open_line()) next_reopen_ = now + REOPEN_PERIOD;
    return;
  }
  if (!ready.empty() && ready[0].fd == fd_.get()) {
    if (ready[0].revents & POLLIN) {
      read_line();
    } else if (ready[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
      // The pty's other side is gone: stop watching it (a hung-up pty polls ready forever).
      fd_.reset();
      framer_.on_silence();
      next_reopen_ = now + REOPEN_PERIOD;
      return;
    }
  }
  serve(now);
}

void ModbusRtuServer::read_line() {
  std::array<std::uint8_t, 512> buf{};
  for (;;) {
    const auto n = ::read(fd_.get(), buf.data(), buf.size());
    if (n > 0) {
      framer_.feed(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)));
      last_byte_ = Clock::now();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    // EIO or end of file: the other side hung up.
    fd_.reset();
    framer_.on_silence();
    next_reopen_ = Clock::now() + REOPEN_PERIOD;
    return;
  }
}

void ModbusRtuServer::serve(Clock::time_point now) {
  while (auto frame = framer_.next()) reply(*frame);
  if (!framer_.empty() && now - last_byte_ >= FRAME_GAP) {
    if (auto frame = framer_.on_silence()) reply(*frame);
  }
  while (!late_.empty() && late_.front().first <= now) {
    write_line(late_.front().second);
    late_.pop_front();
  }
}

void ModbusRtuServer::reply(std::span<const std::uint8_t> frame) {
  auto out = answer_rtu_frame(devices_, frame, Clock::now() - start_);
  if (out.empty() || !fd_) return;
  const auto* device = devices_.find_unit(frame[0]);  // it answered: it is there
  if (device->delay_ms() > 0) {
    // Meanwhile the line serves whoever else is asked, as the master may have given up.
    const auto due = Clock::now() + std::chrono::milliseconds(device->delay_ms());
    const auto at = std::upper_bound(late_.begin(), late_.end(), due,
                                     [](Clock::time_point t, const auto& late) { return t < late.first; });
    late_.emplace(at, due, std::move(out));
    return;
  }
  write_line(out);
}

void ModbusRtuServer::write_line(const std::vector<std::uint8_t>& out) {
  if (!fd_) return;
  std::size_t sent = 0;
  // A reply fits the pty buffer unless nobody reads the other end; then it is dropped.
  while (sent < out.size()) {
    const auto n = ::write(fd_.get(), out.data() + sent, out.size() - sent);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace lookout::sim
