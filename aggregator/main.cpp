// lookout-aggregator: turns readings into levels, alarms and live status (docs/config.md).

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "aggregator/aggregator_app.hpp"
#include "aggregator/config.hpp"
#include "firmware/command_line.hpp"
#include "firmware/config/toml_checker.hpp"
#include "firmware/log.hpp"

namespace {

constexpr const char* USAGE =
    "usage: lookout-aggregator --config AGGREGATOR.toml\n"
    "       lookout-aggregator --check AGGREGATOR.toml   check the configuration and exit\n"
    "       lookout-aggregator --version\n";

}  // namespace

int main(int argc, char** argv) {
  std::string config;
  bool check_only = false;
  CLI::App cli("Turns readings into levels, alarms and live status (docs/config.md).", "lookout-aggregator");
  lookout::command_line::set_usage(cli, USAGE);
  auto* run = cli.add_option("--config", config, "the configuration to run")->type_name("AGGREGATOR.toml");
  cli.add_option_function<std::string>(
         "--check",
         [&](const std::string& file) {
           config = file;
           check_only = true;
         },
         "check the configuration and exit")
      ->type_name("AGGREGATOR.toml")
      ->excludes(run);
  cli.callback([&] {
    if (config.empty()) {
      throw lookout::command_line::UsageError("say which configuration: --config or --check AGGREGATOR.toml");
    }
  });
  if (const auto exit = lookout::command_line::parse(cli, argc, argv)) return *exit;
  try {
    auto cfg = lookout::aggregator::load_aggregator_config(config);
    if (check_only) {
      std::cout << config << ": ok\n";
      return 0;
    }
    lookout::aggregator::AggregatorApp app(std::move(cfg));
    return app.run();
  } catch (const lookout::config::ConfigErrors& e) {
    std::cerr << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    lookout::log::error("aggregator", e.what());
    return 1;
  }
}
