// lookout-aggregator: turns readings into levels, alarms and live status (docs/config.md).

#include <iostream>
#include <string>

#include "aggregator/aggregator_app.hpp"
#include "aggregator/config.hpp"
#include "firmware/config/toml_checker.hpp"
#include "firmware/log.hpp"

namespace {

constexpr const char* USAGE =
    "usage: lookout-aggregator --config AGGREGATOR.toml\n"
    "       lookout-aggregator --check AGGREGATOR.toml   check the configuration and exit\n";

}  // namespace

int main(int argc, char** argv) {
  std::string config;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--config" || arg == "--check") && i + 1 < argc) {
      config = argv[++i];
      check_only = arg == "--check";
    } else if (arg == "--help" || arg == "-h") {
      std::cout << USAGE;
      return 0;
    } else {
      std::cerr << "lookout-aggregator: unknown argument \"" << arg << "\"\n" << USAGE;
      return 2;
    }
  }
  if (config.empty()) {
    std::cerr << USAGE;
    return 2;
  }
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
