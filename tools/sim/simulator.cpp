#include "tools/sim/simulator.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "tools/sim/device_factory.hpp"

namespace lookout::sim {

Simulator::Simulator(const Options& options, std::optional<Scenario> scenario)
    : start_(Clock::now()), scenario_(std::move(scenario)), time_scale_(options.time_scale) {
  std::vector<DeviceSpec> specs = options.devices;
  if (scenario_) specs.insert(specs.end(), scenario_->devices.begin(), scenario_->devices.end());
  for (const auto& spec : specs) {
    auto device = make_device(spec.model, spec.name, spec.unit, options.warmup);
    if (!device) throw std::invalid_argument("unknown model '" + spec.model + "'");
    try {
      devices_.add(std::move(device));
    } catch (const std::invalid_argument& e) {
      // --device and the scenario's [[device]]s share names and unit ids
      throw std::invalid_argument("device " + spec.name + ": " + e.what() +
                                  (scenario_ ? " (--device and " + scenario_->file + " together)" : ""));
    }
  }
  modbus_ = std::make_unique<ModbusTcpServer>(options.listen, devices_, start_);
  control_ = std::make_unique<ControlServer>(options.control, devices_, start_);
  if (!options.rtu.empty()) rtu_ = std::make_unique<ModbusRtuServer>(options.rtu, devices_, start_);
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
  if (rtu_) text += "modbus-rtu serving " + rtu_->path() + "\n";
  for (const auto& d : devices_.devices()) {
    text += "device " + d->name() + " " + std::string(d->model()) + " unit " +
            std::to_string(d->unit()) + "\n";
  }
  if (scenario_) {
    char scale[32];
    std::snprintf(scale, sizeof scale, "%g", time_scale_);
    text += "scenario " + scenario_->name + " from " + scenario_->file + ": " +
            std::to_string(scenario_->events.size()) + " event(s) over " +
            std::to_string(static_cast<long long>(scenario_->length().count())) + " s" +
            (scenario_->loop.count() > 0 ? ", looping" : "") + ", time scale " + scale + "\n";
  }
  return text;
}

void Simulator::run() {
  if (scenario_ && !player_) {
    // Scenario time starts when serving starts, so its t=0 is not spent binding sockets.
    player_ = std::make_unique<ScenarioPlayer>(*scenario_, devices_, Clock::now(), start_, time_scale_,
                                               [](const std::string& line) {
                                                 std::fputs((line + "\n").c_str(), stdout);
                                                 std::fflush(stdout);
                                               });
  }
  std::vector<PollSource*> sources{modbus_.get(), control_.get()};
  if (rtu_) sources.push_back(rtu_.get());
  if (player_) sources.push_back(player_.get());
  std::vector<pollfd> fds;
  std::vector<std::size_t> counts(sources.size());
  for (;;) {
    fds.clear();
    fds.push_back({stop_read_.get(), POLLIN, 0});
    int timeout = -1;
    const auto now = Clock::now();
    for (std::size_t i = 0; i < sources.size(); ++i) {
      const auto before = fds.size();
      sources[i]->add_poll_fds(fds);
      counts[i] = fds.size() - before;
      const int t = sources[i]->poll_timeout_ms(now);
      if (t >= 0 && (timeout < 0 || t < timeout)) timeout = t;
    }

    const int rc = ::poll(fds.data(), fds.size(), timeout);
    if (rc < 0) {
      if (errno == EINTR) continue;  // a signal; its handler wrote to the stop pipe
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (fds[0].revents != 0) return;  // the byte stays in the pipe: later run()s return too
    const std::span<const pollfd> all(fds);
    std::size_t offset = 1;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      sources[i]->on_poll(all.subspan(offset, counts[i]));
      offset += counts[i];
    }
  }
}

void Simulator::stop() noexcept {
  const char byte = 's';
  // write(2) is async-signal-safe; a full pipe already means "stop".
  [[maybe_unused]] const auto n = ::write(stop_write_.get(), &byte, 1);
}

}  // namespace lookout::sim
