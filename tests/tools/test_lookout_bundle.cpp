// `lookout bundle --board boards/sim/board.toml` (tools/lookout/bundle.cpp), checked from the
// outside: the manifest's hashes are what sha256sum says, its Ed25519 signature (key made
// by the openssl command) verifies with `openssl pkeyutl`, and `lookout flash` refuses the
// bundle once any file or the manifest itself is changed. Bad site files and bad command
// lines are refused with their exit statuses.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;
namespace fs = std::filesystem;

namespace {

std::string board() { return std::string(LOOKOUT_SOURCE_DIR) + "/boards/sim/board.toml"; }

std::string site(const TempDir& dir) {
  return "[gateway]\nid = \"gw-7\"\nenterprise = \"xj-dam\"\nsite = \"dam-1\"\ndata_dir = \"" + (dir / "data").string() +
         "\"\n[mqtt]\nuri = \"tcp://127.0.0.1:1883\"\n"
         "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:1502\"\n"
         "[[bus.device]]\nname = \"rl-1\"\nmodel = \"XJ-RL80\"\nunit = 1\ncalibration = { face_elevation = 252.0 }\n";
}

CommandResult run_lookout(std::vector<std::string> args) {
  args.insert(args.begin(), bin("lookout"));
  return run_command(args);
}

/// The hex SHA-256 of a file as coreutils' sha256sum computes it.
std::string sha256sum(const fs::path& file) {
  const auto r = run_command({"sha256sum", file.string()});
  REQUIRE(r.status == 0);
  return r.out.substr(0, 64);
}

/// Flips the last byte of a file.
void flip_last_byte(const fs::path& file) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(-1, std::ios::end);
  const char c = static_cast<char>(f.get());
  f.seekp(-1, std::ios::end);
  f.put(static_cast<char>(c ^ 0x01));
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct Keys {
  TempDir& dir;
  explicit Keys(TempDir& d) : dir(d) {
    REQUIRE(run_command({"openssl", "genpkey", "-algorithm", "ed25519", "-out", key()}).status == 0);
    REQUIRE(run_command({"openssl", "pkey", "-in", key(), "-pubout", "-out", pub()}).status == 0);
  }
  std::string key() const { return (dir / "key.pem").string(); }
  std::string pub() const { return (dir / "pub.pem").string(); }
};

}  // namespace

TEST_SUITE("lookout.bundle") {
  TEST_CASE("bundle for the sim board - manifest hashes and an Ed25519 signature that openssl verifies") {
    TempDir dir;
    Keys keys(dir);
    write_file(dir / "site.toml", site(dir));
    const auto out = dir / "bundle";
    const auto r = run_lookout({"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out",
                            out.string(), "--key", keys.key()});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find(out.string() + ": firmware ") == 0);
    CHECK(r.out.find("for board sim (x86_64), gateway gw-7 of xj-dam/dam-1, 3 files, signed\n") != std::string::npos);

    // THEN the bundle holds exactly the gateway, the board and site files, the manifest and its signature
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(out)) {
      if (e.is_regular_file()) files.push_back(fs::relative(e.path(), out).string());
    }
    std::sort(files.begin(), files.end());
    CHECK(files == std::vector<std::string>{"bin/lookout-gateway", "board.toml", "manifest.json", "manifest.sig",
                                            "site.toml"});
    CHECK(read_text(out / "site.toml") == site(dir));
    CHECK(read_text(out / "board.toml") == read_text(board()));
    CHECK(read_text(out / "bin/lookout-gateway") == read_text(bin("lookout-gateway")));
    CHECK((fs::status(out / "bin/lookout-gateway").permissions() & fs::perms::owner_exec) != fs::perms::none);

    // AND the manifest names the board and lists each file with the SHA-256 sha256sum gives
    const auto m = nlohmann::json::parse(read_text(out / "manifest.json"));
    CHECK(m["format"] == 1);
    CHECK(m["board"] == "sim");
    CHECK(m["arch"] == "x86_64");
    CHECK(m["firmware"].get<std::string>().size() > 0);
    REQUIRE(m["files"].size() == 3);
    for (const char* f : {"bin/lookout-gateway", "board.toml", "site.toml"}) {
      CHECK_MESSAGE(m["files"][f] == sha256sum(out / f), f);
    }

    // AND manifest.sig is a raw Ed25519 signature of manifest.json under the public key
    const auto verified = run_command({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", keys.pub(), "-rawin",
                                       "-in", (out / "manifest.json").string(), "-sigfile",
                                       (out / "manifest.sig").string()});
    CHECK_MESSAGE(verified.status == 0, verified.out << verified.err);
    CHECK(fs::file_size(out / "manifest.sig") == 64);

    // AND flash accepts it as it is
    const auto f = run_lookout({"flash", out.string(), "--target", (dir / "root").string(), "--pubkey", keys.pub()});
    CHECK_MESSAGE(f.status == 0, f.out << f.err);
    CHECK(f.out.find("slot a active") != std::string::npos);
  }

  TEST_CASE("flash refuses a bundle with a changed gateway - or a changed manifest under the old signature") {
    TempDir dir;
    Keys keys(dir);
    write_file(dir / "site.toml", site(dir));
    const auto bundle = [&](const std::string& name) {
      const auto r = run_lookout({"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out",
                              (dir / name).string(), "--key", keys.key()});
      REQUIRE_MESSAGE(r.status == 0, r.err);
      return dir / name;
    };
    const auto flash = [&](const fs::path& b) {
      return run_lookout({"flash", b.string(), "--target", (dir / "root").string(), "--pubkey", keys.pub()});
    };

    // WHEN one bit of the gateway binary changes THEN refused by its hash, nothing installed
    const auto b1 = bundle("b1");
    flip_last_byte(b1 / "bin/lookout-gateway");
    auto r = flash(b1);
    CHECK(r.status == 1);
    CHECK(r.err == "lookout flash: refused: bin/lookout-gateway does not match its SHA-256 in the manifest\n");
    CHECK_FALSE(fs::exists(dir / "root/lookout/current"));

    // WHEN the site file is changed and the manifest given its new hash, the old signature kept
    const auto b2 = bundle("b2");
    write_file(b2 / "site.toml", read_text(b2 / "site.toml") + "# changed\n");
    auto m = nlohmann::json::parse(read_text(b2 / "manifest.json"));
    m["files"]["site.toml"] = sha256sum(b2 / "site.toml");
    write_file(b2 / "manifest.json", m.dump(2) + "\n");
    r = flash(b2);
    // THEN the signature no longer holds
    CHECK(r.status == 1);
    CHECK(r.err == "lookout flash: refused: manifest.sig is not a signature of manifest.json by " + keys.pub() + "\n");
    // AND without its signature the bundle is refused when one is asked for
    fs::remove(b2 / "manifest.sig");
    r = flash(b2);
    CHECK(r.status == 1);
    CHECK(r.err == "lookout flash: refused: the bundle is not signed and --pubkey asks for a signature\n");
    CHECK_FALSE(fs::exists(dir / "root/lookout/current"));
  }

  TEST_CASE("bundle refuses a bad site file - an existing output - and a bad command line") {
    TempDir dir;
    write_file(dir / "site.toml", site(dir) + "poll_sm = 1000\n");
    auto r = run_lookout({"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out",
                      (dir / "b").string()});
    CHECK(r.status == 1);
    CHECK(r.err.find((dir / "site.toml").string() + ":17:1: bus[0].device[0].poll_sm: unknown key; did you mean "
                                                     "\"poll_ms\"?") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "b/manifest.json"));

    write_file(dir / "site.toml", site(dir));
    fs::create_directories(dir / "full");
    write_file(dir / "full/something", "x");
    r = run_lookout({"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out",
                 (dir / "full").string()});
    CHECK(r.status == 1);
    CHECK(r.err == "lookout bundle: " + (dir / "full").string() + " exists and is not empty\n");

    const std::string usage = "usage: lookout bundle ";
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"bundle"},
             {"bundle", "--board", board(), "--site", (dir / "site.toml").string()},
             {"bundle", "--board", board(), "--out", (dir / "o").string()},
             {"bundle", "--site", (dir / "site.toml").string(), "--out", (dir / "o").string()},
             {"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out", (dir / "o").string(),
              "--frob"},
         }) {
      r = run_lookout(args);
      CHECK(r.status == 2);
      CHECK(r.err.find(usage) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir / "o"));
  }
}
