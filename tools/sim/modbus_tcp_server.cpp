#include "tools/sim/modbus_tcp_server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "tools/sim/modbus_pdu.hpp"

namespace lookout::sim {

namespace {

constexpr int LISTEN_BACKLOG = 16;
constexpr std::size_t MAX_CLIENTS = 64;
constexpr int MAX_READS_PER_POLL = 16;
// MBAP length counts the unit id and the PDU; a PDU is at most 253 bytes (Modbus
// Application Protocol V1.1b3, 4.1), so the length field is 2..254.
constexpr std::size_t MBAP_MIN_LENGTH = 2;
constexpr std::size_t MBAP_MAX_LENGTH = 254;
constexpr std::size_t UNIT_OFFSET = MBAP_HEADER_LENGTH - 1;
constexpr std::size_t FUNCTION_OFFSET = MBAP_HEADER_LENGTH;
constexpr std::uint8_t GARBAGE_DATA_LENGTH = 3;

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

}  // namespace

bool pdu_length_ok(std::span<const std::uint8_t> frame) {
  if (frame.size() <= FUNCTION_OFFSET) return false;
  return request_pdu_length_ok(frame.subspan(MBAP_HEADER_LENGTH));
}

std::vector<std::uint8_t> answer_tcp_frame(DeviceSet& devices, std::span<const std::uint8_t> frame,
                                           Seconds uptime) {
  if (frame.size() <= FUNCTION_OFFSET) return {};
  auto* device = devices.find_unit(frame[UNIT_OFFSET]);
  if (!device) return {};  // no device with that unit id: no answer, like an absent slave
  auto pdu = answer_request(*device, frame.subspan(MBAP_HEADER_LENGTH), uptime);
  if (!pdu) return {};
  if (device->garbage()) {
    // Junk that keeps the framing, so the connection stays in step: another read function
    // with a short byte count and junk data.
    const std::uint8_t function = frame[FUNCTION_OFFSET] == FC_READ_HOLDING ? FC_READ_INPUT
                                                                            : FC_READ_HOLDING;
    *pdu = {function, GARBAGE_DATA_LENGTH, 0xDE, 0xAD, 0xBE};
  }
  std::vector<std::uint8_t> out(frame.begin(), frame.begin() + MBAP_HEADER_LENGTH);
  const auto length = pdu->size() + 1;  // unit id + PDU
  out[4] = static_cast<std::uint8_t>(length >> 8);
  out[5] = static_cast<std::uint8_t>(length & 0xFF);
  out.insert(out.end(), pdu->begin(), pdu->end());
  return out;
}

ModbusTcpServer::ModbusTcpServer(const Endpoint& endpoint, DeviceSet& devices,
                                 Clock::time_point start)
    : endpoint_(endpoint), devices_(devices), start_(start) {
  try {
    listen_fd_ = listen_tcp(endpoint, LISTEN_BACKLOG);
  } catch (const std::system_error& e) {
    throw std::runtime_error("modbus-tcp cannot listen on " + endpoint.to_string(endpoint.port) +
                             ": " + e.code().message());
  }
  port_ = local_port(listen_fd_.get());
}

void ModbusTcpServer::add_poll_fds(std::vector<pollfd>& fds) const {
  fds.push_back({listen_fd_.get(), POLLIN, 0});
  for (const auto& c : clients_) fds.push_back({c.fd.get(), POLLIN, 0});
}

void ModbusTcpServer::on_poll(std::span<const pollfd> ready) {
  if (ready.empty()) return;
  // ready[1..] line up with clients_ as they were when add_poll_fds ran; nothing changes
  // clients_ in between, and closing is deferred to the end.
  std::vector<bool> keep(clients_.size(), true);
  for (std::size_t i = 1; i < ready.size() && i - 1 < clients_.size(); ++i) {
    auto& client = clients_[i - 1];
    if (ready[i].fd != client.fd.get() || ready[i].revents == 0) continue;
    keep[i - 1] = read_client(client);
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    if (keep[i] && kept != i) clients_[kept] = std::move(clients_[i]);
    if (keep[i]) ++kept;
  }
  clients_.resize(kept);
  if (ready[0].revents & POLLIN) accept_clients();
}

void ModbusTcpServer::accept_clients() {
  for (;;) {
    auto fd = accept_nonblocking(listen_fd_.get());
    if (!fd) return;  // EAGAIN, or a client that already went away
    if (clients_.size() >= MAX_CLIENTS) continue;  // closes it
    clients_.push_back(Client{std::move(fd), {}});
  }
}

bool ModbusTcpServer::read_client(Client& client) {
  std::array<std::uint8_t, 1024> buf{};
  // A bounded number of reads per wake-up, so one chatty client cannot starve the rest.
  for (int reads = 0; reads < MAX_READS_PER_POLL; ++reads) {
    const auto n = ::recv(client.fd.get(), buf.data(), buf.size(), 0);
    if (n == 0) return false;  // peer closed
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return false;
    }
    client.in.insert(client.in.end(), buf.begin(), buf.begin() + n);

    // Answer every complete frame; keep a partial one for the next read.
    std::size_t used = 0;
    while (client.in.size() - used >= MBAP_HEADER_LENGTH) {
      const auto* header = client.in.data() + used;
      const std::size_t length = be16(header + 4);
      // Protocol id 0 is Modbus; anything else, or an impossible length, is not a Modbus
      // client: drop it rather than guess where the next frame starts.
      if (be16(header + 2) != 0 || length < MBAP_MIN_LENGTH || length > MBAP_MAX_LENGTH) {
        return false;
      }
      const std::size_t total = UNIT_OFFSET + length;
      if (client.in.size() - used < total) break;
      if (!answer(client.fd.get(), {header, total})) return false;
      used += total;
    }
    client.in.erase(client.in.begin(), client.in.begin() + static_cast<std::ptrdiff_t>(used));
  }
  return true;
}

bool ModbusTcpServer::answer(int fd, std::span<const std::uint8_t> frame) {
  const auto reply = answer_tcp_frame(devices_, frame, Clock::now() - start_);
  if (reply.empty()) return true;
  // Replies are small; a client that lets its receive buffer fill up is dropped.
  const auto n = ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  return n == static_cast<ssize_t>(reply.size());
}

}  // namespace lookout::sim
