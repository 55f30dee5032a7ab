#pragma once
// Modbus TCP server side for the simulated devices. One listener, many clients; each
// request goes to the device whose unit id is in the MBAP header, and modbus_pdu.hpp
// answers it.
//
// Requests are framed here, by the MBAP length field, from non-blocking sockets, so one
// slow or broken client cannot stall the other clients of this single-threaded loop.

#include <cstdint>
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

/// The whole TCP reply (MBAP + PDU) of `devices` to one complete request frame; empty when
/// nobody answers (no device with that unit id, or it is unplugged). A device in garbage
/// mode answers a frame that keeps the MBAP framing but whose PDU is junk: a function code
/// other than the request's with a few junk data bytes (libmodbus: EMBBADDATA).
std::vector<std::uint8_t> answer_tcp_frame(DeviceSet& devices, std::span<const std::uint8_t> frame,
                                           Seconds uptime);

class ModbusTcpServer final : public PollSource {
 public:
  /// Binds and listens; throws std::runtime_error when it cannot.
  ModbusTcpServer(const Endpoint& endpoint, DeviceSet& devices, Clock::time_point start);

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

  void accept_clients();
  bool read_client(Client& client);  ///< false: close it
  bool answer(int fd, std::span<const std::uint8_t> frame);  ///< false: close it

  Endpoint endpoint_;
  DeviceSet& devices_;
  Clock::time_point start_;
  UniqueFd listen_fd_;
  std::uint16_t port_ = 0;
  std::vector<Client> clients_;
};

}  // namespace lookout::sim
