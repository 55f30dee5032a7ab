#include "tools/sim/simulator.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "tools/sim/device_factory.hpp"

namespace lookout::sim {

Simulator::Simulator(const Options& options) : start_(Clock::now()) {
  for (const auto& spec : options.devices) {
    auto device = make_device(spec.model, spec.name, spec.unit, options.warmup);
    if (!device) throw std::invalid_argument("unknown model '" + spec.model + "'");
    devices_.add(std::move(device));
  }
  modbus_ = std::make_unique<ModbusTcpServer>(options.listen, devices_, start_);
  control_ = std::make_unique<ControlServer>(options.control, devices_, start_);
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  stop_read_.reset(fds[0]);
  stop_write_.reset(fds[1]);
}

std::string Simulator::banner() const {
  std::string text = "modbus-tcp listening on " + modbus_address() + "\n" +
                     "control listening on " + control_address() + "\n";
  for (const auto& d : devices_.devices()) {
    text += "device " + d->name() + " " + std::string(d->model()) + " unit " +
            std::to_string(d->unit()) + "\n";
  }
  return text;
}

void Simulator::run() {
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({stop_read_.get(), POLLIN, 0});
    modbus_->add_poll_fds(fds);
    const auto modbus_count = fds.size() - 1;
    control_->add_poll_fds(fds);

    const int rc = ::poll(fds.data(), fds.size(), -1);
    if (rc < 0) {
      if (errno == EINTR) continue;  // a signal; its handler wrote to the stop pipe
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (fds[0].revents != 0) return;  // the byte stays in the pipe: later run()s return too
    const std::span<const pollfd> all(fds);
    modbus_->on_poll(all.subspan(1, modbus_count));
    control_->on_poll(all.subspan(1 + modbus_count));
  }
}

void Simulator::stop() noexcept {
  const char byte = 's';
  // write(2) is async-signal-safe; a full pipe already means "stop".
  [[maybe_unused]] const auto n = ::write(stop_write_.get(), &byte, 1);
}

}  // namespace lookout::sim
