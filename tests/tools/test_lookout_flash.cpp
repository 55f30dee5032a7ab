// lookout bundle and lookout flash (issue #5): a bundle is flashed into the A/B slots and
// switched to; a bundle whose firmware fails its self-test leaves the old slot active; a
// tampered or wrongly signed bundle is refused.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;
namespace fs = std::filesystem;

namespace {

std::string site(const TempDir& dir, const std::string& bus) {
  return "[gateway]\nid = \"gw-1\"\nenterprise = \"xj-mine\"\nsite = \"mine-1\"\ndata_dir = \"" +
         (dir / "data").string() + "\"\n[mqtt]\nuri = \"tcp://127.0.0.1:1883\"\n" + bus +
         "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\n";
}

const std::string TCP_BUS = "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:1502\"\n";

std::string board() { return std::string(LOOKOUT_SOURCE_DIR) + "/boards/sim/board.toml"; }

std::string active(const TempDir& dir) {
  const auto link = dir / "root/lookout/current";
  return fs::is_symlink(link) ? fs::read_symlink(link).filename().string() : "";
}

CommandResult run_lookout(std::vector<std::string> args) {
  args.insert(args.begin(), bin("lookout"));
  return run_command(args);
}

}  // namespace

TEST_SUITE("lookout.flash") {
  TEST_CASE("a signed bundle is flashed into slot a then b - a failing self-test keeps the old slot") {
    TempDir dir;
    REQUIRE(run_command({"openssl", "genpkey", "-algorithm", "ed25519", "-out", (dir / "key.pem").string()}).status == 0);
    REQUIRE(run_command({"openssl", "pkey", "-in", (dir / "key.pem").string(), "-pubout", "-out",
                         (dir / "pub.pem").string()})
                .status == 0);
    write_file(dir / "site.toml", site(dir, TCP_BUS));
    const auto made = run_lookout({"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out",
                               (dir / "b1").string(), "--key", (dir / "key.pem").string()});
    REQUIRE_MESSAGE(made.status == 0, made.err);
    CHECK(made.out.find("signed") != std::string::npos);
    CHECK(fs::exists(dir / "b1/manifest.sig"));

    // WHEN it is flashed THEN slot a is written, self-tested and active
    auto f = run_lookout({"flash", (dir / "b1").string(), "--target", (dir / "root").string(), "--pubkey",
                      (dir / "pub.pem").string()});
    REQUIRE_MESSAGE(f.status == 0, (f.err + f.out));
    CHECK(f.out.find("self-test passed") != std::string::npos);
    CHECK(active(dir) == "a");
    // AND again: slot b
    f = run_lookout({"flash", (dir / "b1").string(), "--target", (dir / "root").string(), "--pubkey", (dir / "pub.pem").string()});
    REQUIRE(f.status == 0);
    CHECK(active(dir) == "b");

    // WHEN a bundle's firmware fails its self-test (a serial port this machine lacks)
    write_file(dir / "bad-site.toml", site(dir, "[[bus]]\nname = \"rs485-1\"\ntype = \"rtu\"\nport = \"" +
                                                    (dir / "ttyMISSING").string() + "\"\n"));
    REQUIRE(run_lookout({"bundle", "--board", board(), "--site", (dir / "bad-site.toml").string(), "--out",
                     (dir / "b2").string()})
                .status == 0);
    f = run_lookout({"flash", (dir / "b2").string(), "--target", (dir / "root").string()});
    // THEN it is written to slot a but slot b stays active
    CHECK(f.status == 1);
    CHECK(f.out.find("FAIL bus rs485-1: serial port") != std::string::npos);
    CHECK(f.err.find("slot a not activated; slot b stays active") != std::string::npos);
    CHECK(active(dir) == "b");
  }

  TEST_CASE("a tampered bundle or a wrong signature is refused") {
    TempDir dir;
    REQUIRE(run_command({"openssl", "genpkey", "-algorithm", "ed25519", "-out", (dir / "key.pem").string()}).status == 0);
    REQUIRE(run_command({"openssl", "genpkey", "-algorithm", "ed25519", "-out", (dir / "other.pem").string()}).status == 0);
    REQUIRE(run_command({"openssl", "pkey", "-in", (dir / "other.pem").string(), "-pubout", "-out",
                         (dir / "other-pub.pem").string()})
                .status == 0);
    write_file(dir / "site.toml", site(dir, TCP_BUS));
    REQUIRE(run_lookout({"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out",
                     (dir / "b").string(), "--key", (dir / "key.pem").string()})
                .status == 0);
    // WHEN signed by another key THEN refused
    auto f = run_lookout({"flash", (dir / "b").string(), "--target", (dir / "root").string(), "--pubkey",
                      (dir / "other-pub.pem").string()});
    CHECK(f.status == 1);
    CHECK(f.err.find("manifest.sig is not a signature") != std::string::npos);
    // WHEN the site file was changed after bundling THEN refused by its hash
    {
      std::ofstream out(dir / "b/site.toml", std::ios::app);
      out << "# changed\n";
    }
    f = run_lookout({"flash", (dir / "b").string(), "--target", (dir / "root").string()});
    CHECK(f.status == 1);
    CHECK(f.err.find("refused: site.toml does not match its SHA-256") != std::string::npos);
    // WHEN a file was slipped in THEN refused
    write_file(dir / "b2-extra", "");
    REQUIRE(run_lookout({"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out",
                     (dir / "c").string()})
                .status == 0);
    write_file(dir / "c/bin/evil", "#!/bin/sh\n");
    f = run_lookout({"flash", (dir / "c").string(), "--target", (dir / "root").string()});
    CHECK(f.status == 1);
    CHECK(f.err.find("bin/evil is not in the manifest") != std::string::npos);
    CHECK(active(dir).empty());  // nothing was ever activated
    // AND a gateway the board cannot run is refused: an x86_64 build for an aarch64 board
    const auto a53 = std::string(LOOKOUT_SOURCE_DIR) + "/boards/xj-gw-a53/board.toml";
    const auto wrong = run_lookout({"bundle", "--board", a53, "--site", (dir / "site.toml").string(), "--out",
                                    (dir / "d").string(), "--gateway", bin("lookout-gateway")});
    CHECK(wrong.status == 1);
    CHECK(wrong.err.find("is built for x86_64; board xj-gw-a53") != std::string::npos);
    CHECK(wrong.err.find("needs aarch64") != std::string::npos);
    // AND so is a file that is no program at all
    write_file(dir / "not-a-program", "#!/bin/sh\nexit 0\n");
    const auto script = run_lookout({"bundle", "--board", board(), "--site", (dir / "site.toml").string(), "--out",
                                     (dir / "e").string(), "--gateway", (dir / "not-a-program").string()});
    CHECK(script.status == 1);
    CHECK(script.err.find("is not a program (no ELF header)") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "d"));
    CHECK_FALSE(fs::exists(dir / "e"));
  }
}
