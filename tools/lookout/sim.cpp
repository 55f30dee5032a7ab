// lookout sim set|release|get|list --control HOST:PORT ...: drive a running lookout-sim.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "tools/lookout/commands.hpp"
#include "tools/lookout/net.hpp"

namespace lookout::cli {

namespace {

constexpr const char* USAGE =
    "usage: lookout sim set --control HOST:PORT DEVICE FIELD VALUE\n"
    "       lookout sim release --control HOST:PORT DEVICE [FIELD]\n"
    "       lookout sim get --control HOST:PORT DEVICE\n"
    "       lookout sim list --control HOST:PORT\n";

/// One line of the simulator's control protocol, and its one-line answer.
int send_line(const std::string& control, const std::string& line) {
  try {
    const std::string answer = exchange_line(parse_host_port(control), line);
    if (answer.starts_with("error:")) {
      std::cerr << "lookout-sim: " << answer << "\n";
      return 1;
    }
    std::cout << answer << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout sim: " << control << ": " << e.what() << "\n";
    return 1;
  }
}

struct Word {
  const char* name;
  const char* description;
  bool required;
};

struct Verb {
  const char* name;
  const char* description;
  std::vector<Word> words;
};

struct VerbArgs {
  std::string control;
  std::vector<std::string> words;
};

}  // namespace

void add_sim(CLI::App& lookout) {
  auto* sim = lookout.add_subcommand("sim", "talk to a running lookout-sim (docs/simulator.md)");
  command_line::set_usage(*sim, USAGE);
  sim->require_subcommand(1);
  const Word device{"DEVICE", "a device's name (--device NAME=... of lookout-sim)", true};
  for (const Verb& verb : {
           Verb{"set",
                "set what a device measures or how it behaves; it holds over a scenario until released",
                {device, {"FIELD", "one of the device's fields (lookout-sim --help)", true}, {"VALUE", "its value", true}}},
           Verb{"release", "give a field (or every field) of a device back to the scenario",
                {device, {"FIELD", "the field; none: all of the device's", false}}},
           Verb{"get", "a device's state and raw register words, as JSON", {device}},
           Verb{"list", "every device, as JSON", {}},
       }) {
    auto* command = sim->add_subcommand(verb.name, verb.description);
    std::string usage = "usage: lookout sim " + std::string(verb.name) + " --control HOST:PORT";
    auto args = std::make_shared<VerbArgs>();
    args->words.resize(verb.words.size());
    command->add_option("--control", args->control, "the simulator's control address")
        ->type_name("HOST:PORT")
        ->required();
    for (std::size_t i = 0; i < verb.words.size(); ++i) {
      const auto& w = verb.words[i];
      auto* option = command->add_option(w.name, args->words[i], w.description);
      if (w.required) option->required();
      usage += w.required ? " " + std::string(w.name) : " [" + std::string(w.name) + "]";
    }
    command_line::set_usage(*command, usage + "\n");
    command_line::set_action(*command, [args, name = std::string(verb.name)] {
      std::string line = name;
      for (const auto& w : args->words) {
        if (!w.empty()) line += " " + w;
      }
      return send_line(args->control, line);
    });
  }
}

}  // namespace lookout::cli
