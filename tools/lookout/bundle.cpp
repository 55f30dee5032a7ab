// lookout bundle --board BOARD.toml --site SITE.toml --out DIR [--key KEY.pem] [--gateway BIN]:
// a firmware bundle for one board: the gateway, the board and site files, and a manifest
// with every file's SHA-256, signed with Ed25519 when a key is given (docs/cli.md).

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "firmware/config/toml_checker.hpp"
#include "gateway/board_config.hpp"
#include "gateway/gateway_app.hpp"
#include "gateway/site_config.hpp"
#include "tools/lookout/commands.hpp"
#include "tools/lookout/manifest.hpp"

namespace lookout::cli {
namespace {

constexpr const char* USAGE =
    "usage: lookout bundle --board BOARD.toml --site SITE.toml --out DIR [--key KEY.pem] [--gateway BIN]\n";

std::string host_arch() {
  utsname u{};
  return uname(&u) == 0 ? u.machine : "";
}

/// The lookout-gateway built beside this lookout.
std::filesystem::path own_gateway() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return self.parent_path() / "lookout-gateway";
}

}  // namespace

int bundle(const Args& args) {
  std::filesystem::path board_file, site_file, out, key, gateway_bin;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--board" && has_value) {
      board_file = args[++i];
    } else if (a == "--site" && has_value) {
      site_file = args[++i];
    } else if (a == "--out" && has_value) {
      out = args[++i];
    } else if (a == "--key" && has_value) {
      key = args[++i];
    } else if (a == "--gateway" && has_value) {
      gateway_bin = args[++i];
    } else {
      std::cerr << "lookout bundle: unexpected \"" << a << "\"\n" << USAGE;
      return 2;
    }
  }
  if (board_file.empty() || site_file.empty() || out.empty()) {
    std::cerr << USAGE;
    return 2;
  }
  try {
    const auto board = gateway::load_board_file(board_file);
    // The site file is checked as that board's gateway will read it.
    const auto site = gateway::load_site_file(site_file, &board);
    if (gateway_bin.empty()) {
      if (board.arch != host_arch()) {
        std::cerr << "lookout bundle: board " << board.name << " is " << board.arch << ", this machine "
                  << host_arch() << ": cross-building is not available yet; give --gateway with a "
                  << board.arch << " build of lookout-gateway\n";
        return 1;
      }
      gateway_bin = own_gateway();
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

}  // namespace lookout::cli
