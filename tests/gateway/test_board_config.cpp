#include <doctest/doctest.h>

#include <filesystem>

#include "firmware/config/toml_checker.hpp"
#include "gateway/board_config.hpp"
#include "gateway/site_config.hpp"
#include "tests/support/process.hpp"

using namespace lookout::gateway;
using lookout::test::TempDir;
using lookout::test::write_file;

namespace {

const char* SITE = R"([gateway]
id = "gw-1"
enterprise = "e"
site = "s"
[mqtt]
uri = "tcp://127.0.0.1:1883"
[[bus]]
name = "line-1"
type = "rtu"
port = "rs485-2"
[[bus.device]]
name = "ch4-1"
model = "XJ-CH4"
unit = 1
)";

}  // namespace

TEST_SUITE("gateway.board_config") {
  TEST_CASE("every shipped board file is valid") {
    int boards = 0;
    for (const auto& e : std::filesystem::directory_iterator(std::string(LOOKOUT_SOURCE_DIR) + "/boards")) {
      const auto file = e.path() / "board.toml";
      if (!std::filesystem::exists(file)) continue;
      INFO(file.string());
      const auto b = load_board_file(file);
      CHECK(b.name == e.path().filename().string());
      CHECK(!b.arch.empty());
      ++boards;
    }
    CHECK(boards >= 3);
  }

  TEST_CASE("a site file names serial ports as its board does") {
    const auto board = load_board_file(std::string(LOOKOUT_SOURCE_DIR) + "/boards/xj-gw-a53/board.toml");
    // GIVEN no data_dir in the site file THEN the board's is used
    const auto site = parse_site(SITE, "/s/site.toml", &board);
    CHECK(site.data_dir == "/data/lookout");
    CHECK(site.buses[0].device == "/dev/ttyS2");
    CHECK(site.buses[0].rs485);
  }

  TEST_CASE("a port the board does not have is an error naming the ports it has") {
    const auto board = load_board_file(std::string(LOOKOUT_SOURCE_DIR) + "/boards/xj-gw-a7/board.toml");
    try {
      parse_site(SITE, "/s/site.toml", &board);
      FAIL("expected an error");
    } catch (const lookout::config::ConfigErrors& e) {
      REQUIRE(e.issues().size() == 1);
      CHECK(e.issues()[0].str() ==
            "/s/site.toml:10:8: bus[0].port: \"rs485-2\" is neither a device path nor a serial port of board "
            "xj-gw-a7 (it has: rs485-1)");
    }
  }

  TEST_CASE("board file errors carry file:line:column") {
    TempDir dir;
    write_file(dir / "board.toml", "[board]\nname = \"x\"\narch = \"x\"\n[serial.a]\ndevice = \"/dev/x\"\nrts = \"sideways\"\n");
    try {
      load_board_file(dir / "board.toml");
      FAIL("expected an error");
    } catch (const lookout::config::ConfigErrors& e) {
      REQUIRE(e.issues().size() == 1);
      CHECK(e.issues()[0].line == 6);
      CHECK(e.issues()[0].message == "serial.a.rts: \"sideways\" should be \"up\" or \"down\"");
    }
  }
}
