// lookout: the engineers' and operators' command (docs/cli.md).

#include <iostream>

#include "tools/lookout/commands.hpp"

namespace {

constexpr const char* USAGE =
    "usage: lookout COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  validate SITE.toml                       check a site file; every problem with file:line:column\n"
    "  status [--api URL] [--token T] [--site SITE]\n"
    "                                           live status of every point from the aggregator\n"
    "  token create --role R --name N [--division D | --enterprise E] --db DB\n"
    "  token list --db DB | token revoke ID --db DB\n"
    "                                           API tokens (printed once, stored as SHA-256)\n"
    "  scan (--tcp HOST:PORT | --rtu PATH [--baud B] [--parity P]) [--units FIRST-LAST]\n"
    "                                           which unit ids answer, and which XJ model each is\n"
    "  read [--board BOARD.toml] SITE.toml DEVICE\n"
    "                                           poll one device of a site file once: decoded values\n"
    "  read (--tcp HOST:PORT | --rtu PATH ...) --unit N (--holding|--input|--coils) START COUNT [--raw]\n"
    "                                           registers as they are; --raw: hex and every word order\n"
    "  provision GATEWAY --enterprise E --site S --passwd FILE --acl FILE\n"
    "                                           MQTT credentials: the gateway may publish only its own\n"
    "                                           up/ and subscribe only to its own down/\n"
    "  bundle --board BOARD.toml --site SITE.toml --out DIR [--key KEY.pem] [--gateway BIN]\n"
    "                                           a firmware bundle: gateway, board and site files, signed manifest\n"
    "  flash BUNDLE --target DIR [--pubkey KEY.pem]\n"
    "                                           install into the A/B slots under DIR; kept only if it self-tests\n"
    "  sim set --control HOST:PORT DEVICE FIELD VALUE\n"
    "  sim get --control HOST:PORT DEVICE       talk to a running lookout-sim\n"
    "  sim list --control HOST:PORT\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << USAGE;
    return 2;
  }
  const std::string command = argv[1];
  const lookout::cli::Args args(argv + 2, argv + argc);
  if (command == "validate") return lookout::cli::validate(args);
  if (command == "sim") return lookout::cli::sim(args);
  if (command == "status") return lookout::cli::status(args);
  if (command == "token") return lookout::cli::token(args);
  if (command == "scan") return lookout::cli::scan(args);
  if (command == "read") return lookout::cli::read(args);
  if (command == "provision") return lookout::cli::provision(args);
  if (command == "bundle") return lookout::cli::bundle(args);
  if (command == "flash") return lookout::cli::flash(args);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << USAGE;
    return 0;
  }
  std::cerr << "lookout: unknown command \"" << command << "\"\n" << USAGE;
  return 2;
}
