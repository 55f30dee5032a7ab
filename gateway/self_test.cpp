#include "gateway/self_test.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "gateway/gateway_app.hpp"

namespace lookout::gateway {
namespace {

struct Check {
  std::ostream& out;
  bool all = true;
  void ok(const std::string& what) { out << "ok   " << what << "\n"; }
  void fail(const std::string& what) {
    out << "FAIL " << what << "\n";
    all = false;
  }
};

/// The data directory exists (or can be made) and takes a synced write.
void data_dir_writable(const SiteConfig& site, Check& c) {
  std::error_code ec;
  std::filesystem::create_directories(site.data_dir, ec);
  const auto probe = site.data_dir / ".self-test";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const bool written = fd >= 0 && ::write(fd, "ok\n", 3) == 3 && ::fsync(fd) == 0;
  const int err = errno;
  if (fd >= 0) ::close(fd);
  std::filesystem::remove(probe, ec);
  if (written) {
    c.ok("data_dir " + site.data_dir.string() + " is writable");
  } else {
    c.fail("data_dir " + site.data_dir.string() + " is not writable: " + std::strerror(err));
  }
}

/// An outbox left by the previous firmware must still be readable by this one.
void outbox_readable(const SiteConfig& site, Check& c) {
  const auto file = site.data_dir / "outbox.sqlite";
  if (!std::filesystem::exists(file)) {
    c.ok("no outbox yet (" + file.string() + ")");
    return;
  }
  sqlite3* db = nullptr;
  std::string result;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(s, 0);
      result = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    } else {
      result = sqlite3_errmsg(db);
    }
    sqlite3_finalize(s);
  } else {
    result = db != nullptr ? sqlite3_errmsg(db) : "cannot open";
  }
  sqlite3_close(db);
  if (result == "ok") {
    c.ok("outbox " + file.string() + " passes quick_check");
  } else {
    c.fail("outbox " + file.string() + ": " + result);
  }
}

void serial_ports(const SiteConfig& site, Check& c) {
  for (const auto& b : site.buses) {
    if (b.type != BusType::rtu) continue;
    const int fd = ::open(b.device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      ::close(fd);
      c.ok("bus " + b.name + ": serial port " + b.device + " opens");
    } else {
      c.fail("bus " + b.name + ": serial port " + b.device + ": " + std::strerror(errno));
    }
  }
}

void watchdog_present(const BoardConfig* board, Check& c) {
  if (board == nullptr || board->watchdog_device.empty()) return;
  // Only looked at: opening a watchdog starts it.
  if (std::filesystem::exists(board->watchdog_device)) {
    c.ok("watchdog " + board->watchdog_device + " present");
  } else {
    c.fail("watchdog " + board->watchdog_device + " missing");
  }
}

}  // namespace

bool self_test(const SiteConfig& site, const BoardConfig* board, std::ostream& out) {
  Check c{out};
  c.ok(std::string("firmware ") + FIRMWARE_VERSION + ", site file " + site.file.string() + " (" + site.hash + ")");
  data_dir_writable(site, c);
  outbox_readable(site, c);
  serial_ports(site, c);
  watchdog_present(board, c);
  out << (c.all ? "self-test passed\n" : "self-test FAILED\n");
  return c.all;
}

}  // namespace lookout::gateway
