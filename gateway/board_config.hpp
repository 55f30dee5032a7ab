#pragma once
// A gateway board (boards/<name>/board.toml): its serial ports by name, storage and
// watchdog. Boards are data: code never names a board.

#include <filesystem>
#include <map>
#include <string>

namespace lookout::gateway {

struct SerialPort {
  std::string device;   ///< e.g. /dev/ttyS1
  bool rs485 = false;   ///< the driver switches the transceiver (TIOCSRS485)
  std::string rts;      ///< "" (none), "up" or "down": libmodbus drives RTS around frames
};

struct BoardConfig {
  std::filesystem::path file;
  std::string name;
  std::string arch;
  std::filesystem::path data_dir;
  std::map<std::string, SerialPort> serial;
  std::string watchdog_device;  ///< "" when the board has none
  int watchdog_timeout_s = 30;
};

/// Throws config::ConfigErrors with file:line:column for every problem.
BoardConfig load_board_file(const std::filesystem::path& file);

}  // namespace lookout::gateway
