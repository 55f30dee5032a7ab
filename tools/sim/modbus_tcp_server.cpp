#include "tools/sim/modbus_tcp_server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <stdexcept>

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

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

}  // namespace

bool pdu_length_ok(std::span<const std::uint8_t> frame) {
  if (frame.size() <= FUNCTION_OFFSET) return false;
  const std::size_t pdu = frame.size() - MBAP_HEADER_LENGTH;  // function code + data
  const auto* p = frame.data() + FUNCTION_OFFSET;
  // PDU layouts: Modbus Application Protocol V1.1b3, section 6.
  switch (p[0]) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
      return pdu == 5;  // fc, address, quantity or value
    case 0x0F: case 0x10:
      return pdu >= 6 && pdu == 6u + p[5];  // fc, address, quantity, byte count, data
    case 0x16:
      return pdu == 7;  // fc, address, and mask, or mask
    case 0x17:
      return pdu >= 10 && pdu == 10u + p[9];
    default:
      return true;
  }
}

void ModbusTcpServer::MappingDeleter::operator()(modbus_mapping_t* mapping) const {
  modbus_mapping_free(mapping);
}

ModbusTcpServer::ModbusTcpServer(const Endpoint& endpoint, DeviceSet& devices,
                                 Clock::time_point start)
    : endpoint_(endpoint), start_(start) {
  if (endpoint.ipv6) {
    const auto service = std::to_string(endpoint.port);
    ctx_ = modbus_new_tcp_pi(endpoint.host.c_str(), service.c_str());
  } else {
    ctx_ = modbus_new_tcp(endpoint.host.c_str(), endpoint.port);
  }
  if (!ctx_) throw std::runtime_error(std::string("modbus_new_tcp: ") + modbus_strerror(errno));

  const int fd = endpoint.ipv6 ? modbus_tcp_pi_listen(ctx_, LISTEN_BACKLOG)
                               : modbus_tcp_listen(ctx_, LISTEN_BACKLOG);
  if (fd < 0) {
    const std::string why = modbus_strerror(errno);
    modbus_free(ctx_);
    throw std::runtime_error("modbus-tcp cannot listen on " + endpoint.to_string(endpoint.port) +
                             ": " + why);
  }
  listen_fd_.reset(fd);
  try {
    make_nonblocking(fd);
    port_ = local_port(fd);
    for (const auto& d : devices.devices()) {
      const auto image = d->registers(Seconds{0});
      auto* mapping = modbus_mapping_new_start_address(
          0, 0, 0, 0, image.holding.start, static_cast<unsigned>(image.holding.words.size()),
          image.input.start, static_cast<unsigned>(image.input.words.size()));
      if (!mapping) throw std::runtime_error("modbus_mapping_new_start_address failed");
      tables_.push_back(DeviceTable{d.get(), std::unique_ptr<modbus_mapping_t, MappingDeleter>(
                                                 mapping)});
    }
  } catch (...) {
    listen_fd_.reset();
    modbus_free(ctx_);
    throw;
  }
}

ModbusTcpServer::~ModbusTcpServer() {
  clients_.clear();
  listen_fd_.reset();
  // The context's own socket is only ever borrowed from a client (modbus_set_socket);
  // those are closed above, so just free it.
  modbus_free(ctx_);
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

ModbusTcpServer::DeviceTable* ModbusTcpServer::table_for_unit(int unit) {
  for (auto& t : tables_) {
    if (t.device->unit() == unit) return &t;
  }
  return nullptr;
}

bool ModbusTcpServer::answer(int fd, std::span<const std::uint8_t> frame) {
  // modbus_reply reads fields at fixed offsets: give it a full-size, zero-padded copy.
  std::array<std::uint8_t, MODBUS_TCP_MAX_ADU_LENGTH> request{};
  std::copy(frame.begin(), frame.end(), request.begin());
  const int length = static_cast<int>(frame.size());

  auto* table = table_for_unit(request[UNIT_OFFSET]);
  if (!table) return true;  // no device with that unit id: no answer, like an absent slave
  auto& device = *table->device;
  modbus_set_socket(ctx_, fd);

  int rc = 0;
  if (!device.supports_function(request[FUNCTION_OFFSET])) {
    rc = modbus_reply_exception(ctx_, request.data(), MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
  } else if (!pdu_length_ok(frame)) {
    rc = modbus_reply_exception(ctx_, request.data(), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
  } else {
    // Refresh from the device state (warm-up, run hours) right before answering.
    const auto image = device.registers(Clock::now() - start_);
    auto* mapping = table->mapping.get();
    std::copy(image.input.words.begin(), image.input.words.end(), mapping->tab_input_registers);
    std::copy(image.holding.words.begin(), image.holding.words.end(), mapping->tab_registers);
    rc = modbus_reply(ctx_, request.data(), length, mapping);
    // Hand writes the map accepted back to the device.
    for (std::size_t i = 0; i < image.holding.words.size(); ++i) {
      if (mapping->tab_registers[i] != image.holding.words[i]) {
        device.write_holding(static_cast<std::uint16_t>(image.holding.start + i),
                             mapping->tab_registers[i]);
      }
    }
  }
  modbus_set_socket(ctx_, -1);
  return rc >= 0;
}

}  // namespace lookout::sim
