#pragma once
// Modbus RTU server side on one serial line (a pseudo-terminal made by socat in tests):
// every serial device of the set answers on it by its unit id, as slaves share an RS-485
// bus. Framing and replies are rtu_frame.hpp; this class only moves bytes.
//
// libmodbus is not used here: its RTU server drops every request whose unit id is not
// its context's slave id, and one line must serve several units.

#include <deque>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tools/sim/device_set.hpp"
#include "tools/sim/poll_source.hpp"
#include "tools/sim/rtu_frame.hpp"
#include "tools/sim/socket_util.hpp"

namespace lookout::sim {

class ModbusRtuServer final : public PollSource {
 public:
  /// Opens the serial line raw, 9600 8N1; throws std::runtime_error when it cannot.
  ModbusRtuServer(std::string path, DeviceSet& devices, Clock::time_point start);

  const std::string& path() const { return path_; }
  /// Request frames dropped for a bad CRC or as noise.
  std::size_t crc_errors() const { return framer_.crc_errors(); }

  void add_poll_fds(std::vector<pollfd>& fds) const override;
  void on_poll(std::span<const pollfd> ready) override;
  int poll_timeout_ms(Clock::time_point now) const override;

 private:
  bool open_line();   ///< false: not there (yet)
  void read_line();
  void serve(Clock::time_point now);
  void reply(std::span<const std::uint8_t> frame);
  void write_line(const std::vector<std::uint8_t>& out);

  std::string path_;
  DeviceSet& devices_;
  Clock::time_point start_;
  UniqueFd fd_;
  RtuFramer framer_;
  Clock::time_point last_byte_{};
  Clock::time_point next_reopen_{};
  /// Replies of devices with a delay_ms, in the order they are due.
  std::deque<std::pair<Clock::time_point, std::vector<std::uint8_t>>> late_;
};

}  // namespace lookout::sim
