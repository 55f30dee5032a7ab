// Tests for firmware/log.cpp: a log line is one line whatever a sender put in a field, and
// bounded (issue #11 point 10).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "firmware/log.hpp"

using namespace lookout;
using namespace std::string_literals;

namespace {

struct Line {
  std::string component;
  std::string message;
};

/// Every line written while it lives, as the sink receives it.
struct Capture {
  std::vector<Line> lines;
  Capture() {
    log::set_sink([this](log::Severity, std::string_view c, std::string_view m) {
      lines.push_back({std::string(c), std::string(m)});
    });
  }
  ~Capture() { log::set_sink({}); }
};

bool has_control(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("firmware.log") {
  TEST_CASE("control characters are shown escaped") {
    CHECK(log::escape("a\nb\rc\td", 100) == "a\\nb\\rc\\td");
    CHECK(log::escape("a\0b"s, 100) == "a\\0b");
    CHECK(log::escape("\x1b[31mred", 100) == "\\x1b[31mred");
    CHECK(log::escape("\x7f\x01\x1f", 100) == "\\x7f\\x01\\x1f");
    // C1 controls in UTF-8: NEL and CSI
    CHECK(log::escape("a\xc2\x85" "b\xc2\x9b", 100) == "a\\u0085b\\u009b");
    // bytes that are not UTF-8: a lone continuation, a truncated sequence, 0xff, an overlong '/'
    CHECK(log::escape("\x80x\xe2\x82y\xff\xc0\xaf", 100) == "\\x80x\\xe2\\x82y\\xff\\xc0\\xaf");
    // what is printable stays as it is, UTF-8 too; a backslash outside a field stays
    CHECK(log::escape("甲烷 1.2 %CH4 € \\ \"", 100) == "甲烷 1.2 %CH4 € \\ \"");
  }

  TEST_CASE("a long text is cut with its length and never inside an escape or a character") {
    const std::string big(1048576, 'x');
    const auto e = log::escape(big, 2048);
    CHECK(e == std::string(2048, 'x') + "...(cut, 1048576 bytes)");
    // 2048 bytes would end in the middle of a "\n": the cut comes before it
    const auto n = log::escape(std::string(1025, '\n'), 2047);
    CHECK(n == [] { std::string s; for (int i = 0; i < 1023; ++i) s += "\\n"; return s; }() + "...(cut, 1025 bytes)");
    // a three-byte character is kept whole or not at all
    std::string han;
    for (int i = 0; i < 30; ++i) han += "甲";
    CHECK(log::escape(han, 64) == han.substr(0, 63) + "...(cut, 90 bytes)");
    CHECK(log::escape("short", 5) == "short");
  }

  TEST_CASE("an outside field is quoted with its quotes and backslashes escaped and cut at 64 bytes") {
    CHECK(log::quoted("ch4-1.ch4") == "\"ch4-1.ch4\"");
    CHECK(log::quoted("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
    CHECK(log::quoted(std::string(1048576, 's')) == "\"" + std::string(64, 's') + "\"...(1048576 bytes)");
    CHECK(log::quoted(std::string(64, 's')) == "\"" + std::string(64, 's') + "\"");
    CHECK(log::quoted("abcdef", 3) == "\"abc\"...(6 bytes)");
  }

  TEST_CASE("a line written holds no control character and is bounded") {
    Capture cap;
    log::warn("ingest", "rejected: gateway \"gw\n2026-11-25T22:21:02.513Z ERROR alarms: forged\" no");
    log::warn("bus\rx", "a\0b"s);
    log::warn("ingest", std::string(1048576, 'A'));
    REQUIRE(cap.lines.size() == 3);
    CHECK(cap.lines[0].message == "rejected: gateway \"gw\\n2026-11-25T22:21:02.513Z ERROR alarms: forged\" no");
    CHECK(cap.lines[1].component == "bus\\rx");
    CHECK(cap.lines[1].message == "a\\0b");
    CHECK(cap.lines[2].message.size() <= log::MAX_MESSAGE_BYTES + 30);
    CHECK(cap.lines[2].message.ends_with("...(cut, 1048576 bytes)"));
    for (const auto& l : cap.lines) {
      CHECK(!has_control(l.component));
      CHECK(!has_control(l.message));
    }
  }

  TEST_CASE("on stderr a NUL or a newline in a message leaves one whole line per event") {
    // GIVEN stderr redirected to a file
    const auto file = std::filesystem::temp_directory_path() / ("lookout-log-" + std::to_string(::getpid()) + ".txt");
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    REQUIRE(saved >= 0);
    std::FILE* f = std::fopen(file.c_str(), "w");
    REQUIRE(f != nullptr);
    ::dup2(::fileno(f), STDERR_FILENO);
    // WHEN two events are logged, the first with a NUL and a newline in it
    log::warn("ingest", "first\0cut\nERROR forged"s);
    log::warn("ingest", "second");
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::fclose(f);
    // THEN the file has exactly two lines, each whole
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    std::filesystem::remove(file);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].ends_with(" WARN  ingest: first\\0cut\\nERROR forged"));
    CHECK(lines[1].ends_with(" WARN  ingest: second"));
  }
}
