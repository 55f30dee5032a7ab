#pragma once
// The site file: one TOML file that describes a gateway, its broker, its buses and the
// devices on them (docs/config.md "Site file"). Validated as a whole before anything starts.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "firmware/config/toml_checker.hpp"
#include "firmware/device_poller.hpp"
#include "firmware/edge/interlock.hpp"
#include "firmware/edge/warning.hpp"
#include "firmware/wire/topics.hpp"

namespace lookout::gateway {

struct MqttSettings {
  std::string uri;  ///< tcp://host:port or ssl://host:port
  std::string username;
  std::string password;
  std::string ca_file;    ///< ssl://: the CA that signed the broker's certificate; "" = the system's
  std::string cert_file;  ///< ssl://: this gateway's certificate, when the broker asks for one
  std::string key_file;   ///< ssl://: its private key
  int keepalive_s = 10;
  int qos = 1;
};

enum class BusType { tcp, rtu };

struct BusConfig {
  std::string name;
  BusType type = BusType::tcp;
  std::string host;  ///< tcp
  int port = 502;    ///< tcp
  std::string device;  ///< rtu: serial device path
  bool rs485 = false;  ///< rtu: the driver switches the transceiver
  std::string rts;     ///< rtu: "", "up" or "down"
  int baud = 9600;
  char parity = 'N';
  int data_bits = 8;
  int stop_bits = 1;
  int timeout_ms = 500;
  int retries = 1;       ///< more attempts after a timeout or a bad frame, before a poll fails
  int probe_timeout_ms = 0;  ///< [ms] a probe of a silent device: one attempt this long; 0 = timeout_ms
  int frame_gap_us = 0;  ///< rtu: silence between frames; 0 = 3.5 character times at the baud rate
  std::vector<firmware::DeviceSpec> devices;
};

struct SiteConfig {
  std::filesystem::path file;
  std::string hash;  ///< fingerprint of the file text (FNV-1a 64, hex), reported in status
  wire::GatewayAddress address;
  std::filesystem::path data_dir;  ///< boot count and sequence number live here
  int publish_interval_ms = 500;
  int status_interval_s = 30;
  std::size_t outbox_max_readings = 1000000;  ///< when full, the oldest readings go first
  /// Readings held in memory while the outbox cannot take them (a full disk), at most: about
  /// 200 bytes each, so 20 MB by default, an hour of a site polling 30 points a second.
  std::size_t held_max_readings = 100000;
  MqttSettings mqtt;
  std::vector<BusConfig> buses;
  std::vector<firmware::edge::InterlockSpec> interlocks;  ///< [[interlock]]: coils driven at the edge
  std::vector<firmware::edge::WarningSpec> warnings;      ///< [[warning]]: faster polling while it holds
  /// What is not wrong but worth saying, each at its line: a methane interlock's figure
  /// stricter than the standard's, one not checked because it names no location.
  std::vector<config::ConfigIssue> notes;
};

/// The device named `name` in the site, or nullptr.
const firmware::DeviceSpec* find_device(const SiteConfig& site, std::string_view name);

struct BoardConfig;

/// Reads and checks a site file; throws config::ConfigErrors listing every problem, or
/// std::runtime_error when the file cannot be read. With a board, serial ports may be named
/// as the board names them and data_dir defaults to the board's.
SiteConfig load_site_file(const std::filesystem::path& file, const BoardConfig* board = nullptr);
/// The same from text already in memory; `file` names it in errors.
SiteConfig parse_site(std::string_view text, const std::filesystem::path& file, const BoardConfig* board = nullptr);

}  // namespace lookout::gateway
