// lookout bundle --board BOARD.toml --site SITE.toml --out DIR [--key KEY.pem] [--gateway BIN]:
// a firmware bundle for one board: the gateway, the board and site files, and a manifest
// with every file's SHA-256, signed with Ed25519 when a key is given (docs/cli.md).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "firmware/config/toml_checker.hpp"
#include "gateway/board_config.hpp"
#include "gateway/gateway_app.hpp"
#include "gateway/site_config.hpp"
#include "tools/lookout/commands.hpp"
#include "tools/lookout/elf_arch.hpp"
#include "tools/lookout/manifest.hpp"

namespace lookout::cli {
namespace {

constexpr const char* USAGE =
    "usage: lookout bundle --board BOARD.toml --site SITE.toml --out DIR [--key KEY.pem] [--gateway BIN]\n";


/// The folder this lookout was run from (build/bin in a build tree).
std::filesystem::path own_dir() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
}

/// The gateway for a board when none is given: the one built beside this lookout for the
/// host's own architecture, or tools/cross-build's result (build/cross/BOARD/bin) for another.
std::filesystem::path default_gateway(const gateway::BoardConfig& board) {
  // This lookout's own architecture, named as boards name it ("armhf", not uname's "armv7l").
  if (board.arch == elf_arch("/proc/self/exe")) return own_dir() / "lookout-gateway";
  return own_dir().parent_path() / "cross" / board.name / "bin" / "lookout-gateway";
}

struct BundleArgs {
  std::filesystem::path board_file, site_file, out, key, gateway_bin;
};

int bundle(BundleArgs args) {
  const auto& board_file = args.board_file;
  const auto& site_file = args.site_file;
  const auto& out = args.out;
  const auto& key = args.key;
  auto& gateway_bin = args.gateway_bin;
  try {
    const auto board = gateway::load_board_file(board_file);
    // The site file is checked as that board's gateway will read it.
    const auto site = gateway::load_site_file(site_file, &board);
    if (gateway_bin.empty()) {
      gateway_bin = default_gateway(board);
      if (!std::filesystem::exists(gateway_bin)) {
        std::cerr << "lookout bundle: no " << board.arch << " build of lookout-gateway for board " << board.name
                  << " (looked for " << gateway_bin.string() << "): run tools/cross-build " << board.name
                  << ", or give --gateway with one\n";
        return 1;
      }
    }
    // A bundle whose gateway the board cannot run would fail its self-test only on site.
    const auto built_for = elf_arch(gateway_bin);
    if (built_for != board.arch) {
      std::cerr << "lookout bundle: " << gateway_bin.string() << " is "
                << (built_for.empty() ? std::string("not a program (no ELF header)") : "built for " + built_for)
                << "; board " << board.name << " (" << board_file.string() << ") needs " << board.arch << "\n";
      return 1;
    }
    std::error_code ec;
    if (std::filesystem::exists(out) && !std::filesystem::is_empty(out, ec)) {
      std::cerr << "lookout bundle: " << out.string() << " exists and is not empty\n";
      return 1;
    }
    std::filesystem::create_directories(out / "bin");
    std::filesystem::copy_file(gateway_bin, out / "bin/lookout-gateway", std::filesystem::copy_options::overwrite_existing);
    std::filesystem::permissions(out / "bin/lookout-gateway", std::filesystem::perms(0755));
    std::filesystem::copy_file(board_file, out / "board.toml", std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(site_file, out / "site.toml", std::filesystem::copy_options::overwrite_existing);

    Manifest m;
    m.board = board.name;
    m.arch = board.arch;
    m.firmware = gateway::FIRMWARE_VERSION;
    for (const char* f : {"bin/lookout-gateway", "board.toml", "site.toml"}) m.files[f] = sha256_file(out / f);
    const std::string text = encode(m);
    std::ofstream(out / "manifest.json", std::ios::binary) << text;
    if (!key.empty()) std::ofstream(out / "manifest.sig", std::ios::binary) << sign(text, key);
    std::cout << out.string() << ": firmware " << m.firmware << " for board " << board.name << " (" << board.arch
              << "), gateway " << site.address.gateway << " of " << site.address.enterprise << "/"
              << site.address.site << ", " << m.files.size() << " files, " << (key.empty() ? "unsigned" : "signed")
              << "\n";
    return 0;
  } catch (const config::ConfigErrors& e) {
    std::cerr << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "lookout bundle: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_bundle(CLI::App& lookout) {
  auto* command =
      lookout.add_subcommand("bundle", "a firmware bundle: gateway, board and site files, signed manifest");
  command_line::set_usage(*command, USAGE);
  auto args = std::make_shared<BundleArgs>();
  command->add_option("--board", args->board_file, "the board it is for")->type_name("BOARD.toml")->required();
  command->add_option("--site", args->site_file, "the site file, checked as that board's gateway reads it")
      ->type_name("SITE.toml")
      ->required();
  command->add_option("--out", args->out, "a new or empty folder for the bundle")->type_name("DIR")->required();
  command->add_option("--key", args->key, "sign the manifest with this Ed25519 private key")->type_name("KEY.pem");
  command->add_option("--gateway", args->gateway_bin,
                      "the lookout-gateway to put in (default: the one built for the board's architecture)")
      ->type_name("BIN");
  command_line::set_action(*command, [args] { return bundle(*args); });
}

}  // namespace lookout::cli
