#pragma once
// The control port: control_protocol.hpp over TCP, one reply line per request line,
// several clients at once, all inside the simulator's poll loop.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tools/sim/device_set.hpp"
#include "tools/sim/endpoint.hpp"
#include "tools/sim/poll_source.hpp"
#include "tools/sim/socket_util.hpp"

namespace lookout::sim {

class ControlServer final : public PollSource {
 public:
  /// Binds and listens; throws std::runtime_error when it cannot.
  ControlServer(const Endpoint& endpoint, DeviceSet& devices, Clock::time_point start);

  std::uint16_t port() const { return port_; }
  std::string address() const { return endpoint_.to_string(port_); }

  void add_poll_fds(std::vector<pollfd>& fds) const override;
  void on_poll(std::span<const pollfd> ready) override;

 private:
  struct Client {
    UniqueFd fd;
    std::string in;          ///< bytes after the last newline
    std::string out;         ///< replies not yet sent
    bool discarding = false; ///< inside an over-long line: drop bytes up to its newline
  };

  void accept_clients();
  bool read_client(Client& client);   ///< false: close it
  bool write_client(Client& client);  ///< false: close it
  void handle_line(Client& client, std::string_view line);

  Endpoint endpoint_;
  DeviceSet& devices_;
  Clock::time_point start_;
  UniqueFd listen_fd_;
  std::uint16_t port_ = 0;
  std::vector<Client> clients_;
};

}  // namespace lookout::sim
