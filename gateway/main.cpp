// lookout-gateway: polls field devices and publishes their readings (docs/config.md).

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "firmware/config/toml_checker.hpp"
#include "firmware/log.hpp"
#include "gateway/board_config.hpp"
#include "gateway/gateway_app.hpp"
#include "gateway/self_test.hpp"
#include "gateway/site_config.hpp"

namespace {

constexpr const char* USAGE =
    "usage: lookout-gateway [--board BOARD.toml] --config SITE.toml\n"
    "       lookout-gateway [--board BOARD.toml] --check SITE.toml   check the site file and exit\n"
    "       lookout-gateway [--board BOARD.toml] --self-test --config SITE.toml\n"
    "                         check this firmware on this board (data_dir, outbox, serial ports, watchdog)\n"
    "       lookout-gateway --version\n";

}  // namespace

int main(int argc, char** argv) {
  std::string config;
  std::string board_file;
  bool check_only = false;
  bool self_test = false;
  CLI::App cli("Polls field devices and publishes their readings (docs/config.md).", "lookout-gateway");
  lookout::command_line::set_usage(cli, USAGE);
  auto* run = cli.add_option("--config", config, "the site file to run")->type_name("SITE.toml");
  cli.add_option_function<std::string>(
         "--check",
         [&](const std::string& file) {
           config = file;
           check_only = true;
         },
         "check the site file and exit")
      ->type_name("SITE.toml")
      ->excludes(run);
  cli.add_flag("--self-test", self_test, "check this firmware on this board with the site file, and exit")
      ->needs(run);
  cli.add_option("--board", board_file, "the board file (serial ports, storage, watchdog)")->type_name("BOARD.toml");
  cli.callback([&] {
    if (config.empty()) throw lookout::command_line::UsageError("say which site file: --config or --check SITE.toml");
  });
  if (const auto exit = lookout::command_line::parse(cli, argc, argv)) return *exit;
  try {
    std::optional<lookout::gateway::BoardConfig> board;
    if (!board_file.empty()) board = lookout::gateway::load_board_file(board_file);
    auto site = lookout::gateway::load_site_file(config, board ? &*board : nullptr);
    if (check_only) {
      std::cout << config << ": ok\n";
      return 0;
    }
    if (self_test) return lookout::gateway::self_test(site, board ? &*board : nullptr, std::cout) ? 0 : 1;
    int status = 0;
    bool restart = false;
    {
      lookout::gateway::GatewayApp app(std::move(site), board ? board->watchdog_device : "",
                                       board ? board->watchdog_timeout_s : 30);
      app.set_board(board ? &*board : nullptr);
      status = app.run();
      restart = app.restart_requested();
    }
    if (restart) {
      // A new site file was accepted over MQTT: start again from scratch with it.
      execv("/proc/self/exe", argv);
      lookout::log::error("gateway", std::string("cannot start again: ") + std::strerror(errno));
      return 1;
    }
    return status;
  } catch (const lookout::config::ConfigErrors& e) {
    std::cerr << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    lookout::log::error("gateway", e.what());
    return 1;
  }
}
