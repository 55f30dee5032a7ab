#pragma once
// Modbus TCP server side for the simulated devices (libmodbus). One listener, many
// clients; each request goes to the device whose unit id is in the MBAP header.
//
// Requests are framed here, by the MBAP length field, from non-blocking sockets, and
// handed to modbus_reply() once complete. modbus_receive() is not used: it blocks until
// a started frame is complete (0.5 s per missing byte), which would let one slow or
// broken client stall every other client of this single-threaded loop.

#include <modbus.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tools/sim/device_set.hpp"
#include "tools/sim/endpoint.hpp"
#include "tools/sim/poll_source.hpp"
#include "tools/sim/socket_util.hpp"

namespace lookout::sim {

/// MBAP header: transaction id, protocol id, length, unit id (Modbus Messaging on TCP/IP
/// Implementation Guide V1.0b, 3.1.3).
inline constexpr std::size_t MBAP_HEADER_LENGTH = 7;

/// Checks a complete frame (MBAP + PDU) against the PDU length its function code implies.
/// Unknown function codes pass: the device answers them with exception 01.
bool pdu_length_ok(std::span<const std::uint8_t> frame);

class ModbusTcpServer final : public PollSource {
 public:
  /// Binds and listens; throws std::runtime_error when it cannot.
  ModbusTcpServer(const Endpoint& endpoint, DeviceSet& devices, Clock::time_point start);
  ~ModbusTcpServer() override;
  ModbusTcpServer(const ModbusTcpServer&) = delete;
  ModbusTcpServer& operator=(const ModbusTcpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return endpoint_.to_string(port_); }
  std::size_t client_count() const { return clients_.size(); }

  void add_poll_fds(std::vector<pollfd>& fds) const override;
  void on_poll(std::span<const pollfd> ready) override;

 private:
  struct Client {
    UniqueFd fd;
    std::vector<std::uint8_t> in;  ///< bytes of a frame not yet complete
  };
  struct MappingDeleter {
    void operator()(modbus_mapping_t* mapping) const;
  };
  struct DeviceTable {
    Device* device;
    std::unique_ptr<modbus_mapping_t, MappingDeleter> mapping;
  };

  void accept_clients();
  bool read_client(Client& client);  ///< false: close it
  bool answer(int fd, std::span<const std::uint8_t> frame);  ///< false: close it
  DeviceTable* table_for_unit(int unit);

  Endpoint endpoint_;
  Clock::time_point start_;
  modbus_t* ctx_ = nullptr;
  UniqueFd listen_fd_;
  std::uint16_t port_ = 0;
  std::vector<DeviceTable> tables_;
  std::vector<Client> clients_;
};

}  // namespace lookout::sim
