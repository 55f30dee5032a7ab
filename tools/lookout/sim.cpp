// lookout sim set|release|get|list --control HOST:PORT ...: drive a running lookout-sim.

#include <iostream>

#include "tools/lookout/commands.hpp"
#include "tools/lookout/net.hpp"

namespace lookout::cli {

int sim(const Args& args) {
  constexpr const char* usage =
      "usage: lookout sim set --control HOST:PORT DEVICE FIELD VALUE\n"
      "       lookout sim release --control HOST:PORT DEVICE [FIELD]\n"
      "       lookout sim get --control HOST:PORT DEVICE\n"
      "       lookout sim list --control HOST:PORT\n";
  if (args.size() < 3 || args[1] != "--control") {
    std::cerr << usage;
    return 2;
  }
  const std::string& verb = args[0];
  const std::size_t want = verb == "set" ? 6 : verb == "get" ? 4 : verb == "list" ? 3 : 0;
  const bool release = verb == "release" && (args.size() == 4 || args.size() == 5);
  if (!release && (want == 0 || args.size() != want)) {
    std::cerr << usage;
    return 2;
  }
  std::string line = verb;
  for (std::size_t i = 3; i < args.size(); ++i) line += " " + args[i];
  try {
    const std::string answer = exchange_line(parse_host_port(args[2]), line);
    if (answer.starts_with("error:")) {
      std::cerr << "lookout-sim: " << answer << "\n";
      return 1;
    }
    std::cout << answer << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout sim: " << args[2] << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace lookout::cli
