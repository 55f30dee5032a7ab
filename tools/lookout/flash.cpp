// lookout flash BUNDLE --target DIR [--pubkey KEY.pem]: installs a bundle into an A/B layout
// under DIR (a mounted root file system, or a directory standing for one). The manifest and
// its signature are checked first; the inactive slot is written and self-tested; only then
// does DIR/lookout/current switch to it, by one atomic rename. A power cut at any moment
// leaves `current` naming a complete slot (docs/cli.md "lookout flash").

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "tools/lookout/commands.hpp"
#include "tools/lookout/manifest.hpp"

extern char** environ;

namespace lookout::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* USAGE = "usage: lookout flash BUNDLE --target DIR [--pubkey KEY.pem]\n";

void sync_path(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

/// Runs the slot's own gateway --self-test; its output, indented, and whether it passed.
bool run_self_test(const fs::path& slot) {
  const std::string bin = (slot / "bin/lookout-gateway").string();
  const std::string board = (slot / "board.toml").string();
  const std::string site = (slot / "site.toml").string();
  std::vector<std::string> argv_s{bin, "--board", board, "--self-test", "--config", site};
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  int pipe_fd[2];
  if (::pipe2(pipe_fd, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fd[1]);
  if (rc != 0) {
    ::close(pipe_fd[0]);
    std::cout << "  cannot run " << bin << ": " << std::strerror(rc) << "\n";
    return false;
  }
  std::string output;
  std::array<char, 4096> buf{};
  ssize_t n = 0;
  while ((n = ::read(pipe_fd[0], buf.data(), buf.size())) > 0) output.append(buf.data(), static_cast<std::size_t>(n));
  ::close(pipe_fd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::size_t start = 0;
  while (start < output.size()) {
    const auto end = output.find('\n', start);
    std::cout << "  " << output.substr(start, end - start) << "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct FlashArgs {
  fs::path bundle_dir, target, pubkey;
};

int flash(const FlashArgs& args) {
  const auto& [bundle_dir, target, pubkey] = args;
  try {
    // 1. The bundle is what its manifest says, and the manifest is who signed it.
    const std::string text = read_bytes(bundle_dir / "manifest.json");
    if (!pubkey.empty()) {
      if (!fs::exists(bundle_dir / "manifest.sig")) {
        std::cerr << "lookout flash: refused: the bundle is not signed and --pubkey asks for a signature\n";
        return 1;
      }
      if (!verify(text, read_bytes(bundle_dir / "manifest.sig"), pubkey)) {
        std::cerr << "lookout flash: refused: manifest.sig is not a signature of manifest.json by " << pubkey.string()
                  << "\n";
        return 1;
      }
    }
    const Manifest m = decode_manifest(text);
    for (const auto& [path, hash] : m.files) {
      if (!fs::is_regular_file(bundle_dir / path) || sha256_file(bundle_dir / path) != hash) {
        std::cerr << "lookout flash: refused: " << path << " does not match its SHA-256 in the manifest\n";
        return 1;
      }
    }
    for (const auto& e : fs::recursive_directory_iterator(bundle_dir)) {
      if (!e.is_regular_file()) continue;
      const auto rel = fs::relative(e.path(), bundle_dir).string();
      if (rel != "manifest.json" && rel != "manifest.sig" && m.files.count(rel) == 0) {
        std::cerr << "lookout flash: refused: " << rel << " is not in the manifest\n";
        return 1;
      }
    }
    if (m.files.count("bin/lookout-gateway") == 0 || m.files.count("board.toml") == 0 ||
        m.files.count("site.toml") == 0) {
      std::cerr << "lookout flash: refused: the manifest lacks the gateway, board.toml or site.toml\n";
      return 1;
    }

    // 2. The inactive slot gets the new firmware.
    const fs::path root = target / "lookout";
    fs::create_directories(root / "slots");
    const fs::path current = root / "current";
    std::string active;
    std::error_code ec;
    if (fs::is_symlink(current)) active = fs::read_symlink(current, ec).filename().string();
    const std::string next = active == "a" ? "b" : "a";
    const fs::path slot = root / "slots" / next;
    fs::remove_all(slot);
    fs::remove(root / "current.new", ec);  // left by a power cut during an earlier switch
    for (const auto& [path, hash] : m.files) {
      fs::create_directories((slot / path).parent_path());
      fs::copy_file(bundle_dir / path, slot / path);
      if (sha256_file(slot / path) != hash) throw std::runtime_error(path + ": written wrong to slot " + next);
      sync_path(slot / path);
    }
    fs::copy_file(bundle_dir / "manifest.json", slot / "manifest.json");
    fs::permissions(slot / "bin/lookout-gateway", fs::perms(0755));
    sync_path(slot);
    sync_path(root / "slots");

    // 3. It must pass its own self-test before it is used.
    std::cout << "slot " << next << ": firmware " << m.firmware << " for board " << m.board << " written; self-test:\n";
    if (!run_self_test(slot)) {
      std::cerr << "lookout flash: the new firmware failed its self-test: slot " << next << " not activated; "
                << (active.empty() ? "no slot is active" : "slot " + active + " stays active") << "\n";
      return 1;
    }

    // 4. One atomic rename switches to it.
    fs::create_symlink(fs::path("slots") / next, root / "current.new");
    fs::rename(root / "current.new", current);
    sync_path(root);
    std::cout << "slot " << next << " active" << (active.empty() ? "" : " (was " + active + ")") << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout flash: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_flash(CLI::App& lookout) {
  auto* command =
      lookout.add_subcommand("flash", "install a bundle into the A/B slots under DIR; kept only if it self-tests");
  command_line::set_usage(*command, USAGE);
  auto args = std::make_shared<FlashArgs>();
  command->add_option("BUNDLE", args->bundle_dir, "a folder made by lookout bundle")->required();
  command->add_option("--target", args->target, "the board's root file system, or a folder standing for one")
      ->type_name("DIR")
      ->required();
  command->add_option("--pubkey", args->pubkey, "refuse a bundle not signed by this Ed25519 public key")
      ->type_name("KEY.pem");
  command_line::set_action(*command, [args] { return flash(*args); });
}

}  // namespace lookout::cli
