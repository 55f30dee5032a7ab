#include "tools/sim/control_server.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <exception>
#include <stdexcept>
#include <system_error>

#include "tools/sim/control_protocol.hpp"

namespace lookout::sim {

namespace {

constexpr int LISTEN_BACKLOG = 16;
constexpr std::size_t MAX_CLIENTS = 64;
constexpr int MAX_READS_PER_POLL = 16;
// A client that stops reading its replies is dropped once this much is queued.
constexpr std::size_t MAX_PENDING_OUTPUT = 1u << 20;

UniqueFd listen_control(const Endpoint& endpoint) {
  try {
    return listen_tcp(endpoint, LISTEN_BACKLOG);
  } catch (const std::system_error& e) {
    throw std::runtime_error("control cannot listen on " + endpoint.to_string(endpoint.port) +
                             ": " + e.code().message());
  }
}

}  // namespace

ControlServer::ControlServer(const Endpoint& endpoint, DeviceSet& devices,
                             Clock::time_point start)
    : endpoint_(endpoint),
      devices_(devices),
      start_(start),
      listen_fd_(listen_control(endpoint)),
      port_(local_port(listen_fd_.get())) {}

void ControlServer::add_poll_fds(std::vector<pollfd>& fds) const {
  fds.push_back({listen_fd_.get(), POLLIN, 0});
  for (const auto& c : clients_) {
    const short events = c.out.empty() ? POLLIN : static_cast<short>(POLLIN | POLLOUT);
    fds.push_back({c.fd.get(), events, 0});
  }
}

void ControlServer::on_poll(std::span<const pollfd> ready) {
  if (ready.empty()) return;
  std::vector<bool> keep(clients_.size(), true);
  for (std::size_t i = 1; i < ready.size() && i - 1 < clients_.size(); ++i) {
    auto& client = clients_[i - 1];
    if (ready[i].fd != client.fd.get() || ready[i].revents == 0) continue;
    bool ok = true;
    if (ready[i].revents & (POLLIN | POLLHUP | POLLERR)) ok = read_client(client);
    if (ok && !client.out.empty()) ok = write_client(client);
    keep[i - 1] = ok;
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    if (keep[i] && kept != i) clients_[kept] = std::move(clients_[i]);
    if (keep[i]) ++kept;
  }
  clients_.resize(kept);
  if (ready[0].revents & POLLIN) accept_clients();
}

void ControlServer::accept_clients() {
  for (;;) {
    auto fd = accept_nonblocking(listen_fd_.get());
    if (!fd) return;
    if (clients_.size() >= MAX_CLIENTS) continue;  // closes it
    clients_.push_back(Client{std::move(fd), {}, {}, false});
  }
}

bool ControlServer::read_client(Client& client) {
  std::array<char, 4096> buf{};
  for (int reads = 0; reads < MAX_READS_PER_POLL; ++reads) {
    const auto n = ::recv(client.fd.get(), buf.data(), buf.size(), 0);
    if (n == 0) {
      write_client(client);  // best effort: answer what came before the end of input
      return false;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    std::string_view data(buf.data(), static_cast<std::size_t>(n));
    while (!data.empty()) {
      const auto newline = data.find('\n');
      const auto chunk = data.substr(0, newline);
      if (!client.discarding) client.in.append(chunk);
      // +1 for a possible '\r' before the newline.
      if (!client.discarding && client.in.size() > CONTROL_MAX_LINE + 1) {
        client.out += "error: line too long (max " + std::to_string(CONTROL_MAX_LINE) +
                      " bytes)\n";
        client.in.clear();
        client.discarding = true;
      }
      if (newline == std::string_view::npos) break;
      if (client.discarding) {
        client.discarding = false;  // the refused line ends here; it was answered already
      } else {
        handle_line(client, client.in);
        client.in.clear();
      }
      data.remove_prefix(newline + 1);
    }
    if (client.out.size() > MAX_PENDING_OUTPUT) return false;
  }
  return true;
}

void ControlServer::handle_line(Client& client, std::string_view line) {
  try {
    client.out += handle_control_line(line, devices_, Clock::now() - start_);
  } catch (const std::exception& e) {
    // Never let one request take the simulator down (e.g. a JSON encoding error).
    client.out += std::string("error: internal: ") + e.what();
  }
  client.out += '\n';
}

bool ControlServer::write_client(Client& client) {
  while (!client.out.empty()) {
    const auto n = ::send(client.fd.get(), client.out.data(), client.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    client.out.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace lookout::sim
