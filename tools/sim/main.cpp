// lookout-sim: simulated field devices over Modbus TCP on loopback and RTU on a serial line.
// Thin main over the lookout_sim library (options.hpp, simulator.hpp).

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "firmware/config/toml_checker.hpp"
#include "tools/sim/options.hpp"
#include "tools/sim/scenario.hpp"
#include "tools/sim/simulator.hpp"

namespace {

constexpr int EXIT_USAGE = lookout::command_line::EXIT_USAGE;

volatile std::sig_atomic_t g_stop_fd = -1;

extern "C" void on_stop_signal(int /*signal*/) {
  const char byte = 's';
  if (g_stop_fd >= 0) {
    [[maybe_unused]] const auto n = ::write(g_stop_fd, &byte, 1);  // async-signal-safe
  }
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the simulator
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lookout::sim;
  Options options;
  CLI::App cli("", "lookout-sim");
  add_options(cli, options);
  if (const auto exit = lookout::command_line::parse(cli, argc, argv)) return *exit;
  std::optional<Scenario> scenario;
  if (!options.scenario.empty()) {
    try {
      scenario = load_scenario(options.scenario);
    } catch (const lookout::config::ConfigErrors& e) {
      std::fprintf(stderr, "%s\n%zu problem(s) in %s\n", e.what(), e.issues().size(), options.scenario.c_str());
      return EXIT_USAGE;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lookout-sim: %s\n", e.what());
      return EXIT_USAGE;
    }
  }
  try {
    Simulator simulator(options, std::move(scenario));
    g_stop_fd = simulator.stop_fd();
    install_signal_handlers();
    std::fputs(simulator.banner().c_str(), stdout);
    std::fflush(stdout);
    simulator.run();
    g_stop_fd = -1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lookout-sim: %s\n", e.what());
    return 1;
  }
  return 0;
}
