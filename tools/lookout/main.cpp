// lookout: the engineers' and operators' command (docs/cli.md). One CLI11 subcommand per
// command, each declared in its own file (commands.hpp).

#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "tools/lookout/commands.hpp"

int main(int argc, char** argv) {
  CLI::App lookout("The engineers' and operators' command: site files, the bus, the aggregator, firmware.",
                   "lookout");
  lookout::command_line::set_usage(lookout, "usage: lookout COMMAND [ARGS]\n");
  lookout.require_subcommand(1);
  lookout::cli::add_validate(lookout);
  lookout::cli::add_status(lookout);
  lookout::cli::add_token(lookout);
  lookout::cli::add_scan(lookout);
  lookout::cli::add_read(lookout);
  lookout::cli::add_provision(lookout);
  lookout::cli::add_bundle(lookout);
  lookout::cli::add_flash(lookout);
  lookout::cli::add_sim(lookout);
  // after the commands, which would inherit it
  lookout.footer("lookout COMMAND --help (or lookout help COMMAND) shows a command's usage and options.");

  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  // "lookout help [COMMAND...]" is "lookout [COMMAND...] --help"
  if (!args.empty() && args.front() == "help") {
    args.erase(args.begin());
    args.push_back("--help");
  }
  return lookout::command_line::parse(lookout, args, std::cout, std::cerr).value_or(0);
}
