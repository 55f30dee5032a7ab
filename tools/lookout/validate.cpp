// lookout validate SITE.toml: every problem at once; exit 0 only when the file is good.

#include <iostream>

#include "firmware/config/toml_checker.hpp"
#include "gateway/site_config.hpp"
#include "tools/lookout/commands.hpp"

namespace lookout::cli {

int validate(const Args& args) {
  if (args.size() != 1) {
    std::cerr << "usage: lookout validate SITE.toml\n";
    return 2;
  }
  try {
    const auto site = gateway::load_site_file(args[0]);
    std::size_t devices = 0;
    for (const auto& b : site.buses) devices += b.devices.size();
    std::cout << args[0] << ": ok (gateway " << site.address.gateway << ", " << site.buses.size() << " bus(es), "
              << devices << " device(s))\n";
    return 0;
  } catch (const config::ConfigErrors& e) {
    std::cerr << e.what() << "\n" << e.issues().size() << " problem(s) in " << args[0] << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}

}  // namespace lookout::cli
