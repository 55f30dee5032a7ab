// lookout validate SITE.toml: every problem at once; exit 0 only when the file is good.

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "firmware/config/toml_checker.hpp"
#include "gateway/site_config.hpp"
#include "tools/lookout/commands.hpp"

namespace lookout::cli {

namespace {

int validate(const std::string& file) {
  try {
    const auto site = gateway::load_site_file(file);
    std::size_t devices = 0;
    for (const auto& b : site.buses) devices += b.devices.size();
    // Notes (a methane interlock stricter than the standard, or not checked against it) are
    // not problems: printed, and the file still passes.
    for (const auto& note : site.notes) std::cout << note.str() << "\n";
    std::cout << file << ": ok (gateway " << site.address.gateway << ", " << site.buses.size() << " bus(es), "
              << devices << " device(s))";
    if (!site.notes.empty()) std::cout << ", " << site.notes.size() << " note(s)";
    std::cout << "\n";
    return 0;
  } catch (const config::ConfigErrors& e) {
    std::cerr << e.what() << "\n" << e.issues().size() << " problem(s) in " << file << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_validate(CLI::App& lookout) {
  auto* command = lookout.add_subcommand("validate", "check a site file; every problem with file:line:column");
  command_line::set_usage(*command, "usage: lookout validate SITE.toml\n");
  auto file = std::make_shared<std::string>();
  command->add_option("SITE.toml", *file, "the site file; exit 0 only when it is good")->required();
  command_line::set_action(*command, [file] { return validate(*file); });
}

}  // namespace lookout::cli
