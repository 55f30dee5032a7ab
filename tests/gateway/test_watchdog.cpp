#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "gateway/watchdog.hpp"
#include "tests/support/process.hpp"

using namespace lookout::gateway;

TEST_SUITE("gateway.watchdog") {
  TEST_CASE("systemd hears READY and WATCHDOG and STOPPING on NOTIFY_SOCKET") {
    lookout::test::TempDir dir;
    const std::string path = (dir / "notify").string();
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
    {
      Watchdog w("", 30);
      w.ready();
      w.kick();
      w.stopping();
    }
    ::unsetenv("NOTIFY_SOCKET");
    std::string got;
    char buf[64];
    for (int i = 0; i < 3; ++i) {
      const auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      REQUIRE(n > 0);
      got += std::string(buf, static_cast<std::size_t>(n)) + ";";
    }
    ::close(fd);
    CHECK(got == "READY=1;WATCHDOG=1;STOPPING=1;");
  }

  TEST_CASE("a watchdog device that cannot be opened is a clear error") {
    CHECK_THROWS_WITH(Watchdog("/nonexistent/watchdog", 30), "watchdog /nonexistent/watchdog: No such file or directory");
  }
}
