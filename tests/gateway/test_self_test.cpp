// lookout-gateway --self-test: the checks a freshly flashed firmware must pass.
#include <doctest/doctest.h>

#include <sstream>

#include "gateway/outbox.hpp"
#include "gateway/self_test.hpp"
#include "tests/support/process.hpp"

using namespace lookout::gateway;
using lookout::test::TempDir;
using lookout::test::write_file;

namespace {

SiteConfig site_in(const TempDir& dir, const std::string& bus) {
  return parse_site("[gateway]\nid = \"gw-1\"\nenterprise = \"e\"\nsite = \"s\"\ndata_dir = \"state\"\n"
                    "[mqtt]\nuri = \"tcp://127.0.0.1:1883\"\n" + bus +
                        "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\n",
                    dir / "site.toml");
}

const std::string TCP = "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:1502\"\n";

}  // namespace

TEST_SUITE("self_test") {
  TEST_CASE("a good installation passes - the outbox is checked without counting a boot") {
    TempDir dir;
    const auto site = site_in(dir, TCP);
    { Outbox o(site.data_dir, 1000); }  // boot 1
    std::ostringstream out;
    CHECK(self_test(site, nullptr, out));
    CHECK(out.str().find("ok   outbox") != std::string::npos);
    CHECK(out.str().find("self-test passed") != std::string::npos);
    Outbox again(site.data_dir, 1000);
    CHECK(again.boot() == 2);  // the self-test did not count as one
  }

  TEST_CASE("a damaged outbox - a missing serial port - a missing watchdog fail it") {
    TempDir dir;
    const auto site = site_in(dir, "[[bus]]\nname = \"rs485-1\"\ntype = \"rtu\"\nport = \"" + (dir / "ttyNONE").string() + "\"\n");
    std::filesystem::create_directories(site.data_dir);
    write_file(site.data_dir / "outbox.sqlite", std::string(4096, 'x'));
    BoardConfig board;
    board.watchdog_device = (dir / "watchdog0").string();
    std::ostringstream out;
    CHECK_FALSE(self_test(site, &board, out));
    CHECK(out.str().find("FAIL outbox") != std::string::npos);
    CHECK(out.str().find("FAIL bus rs485-1: serial port") != std::string::npos);
    CHECK(out.str().find("FAIL watchdog") != std::string::npos);
    CHECK(out.str().find("self-test FAILED") != std::string::npos);
  }
}
