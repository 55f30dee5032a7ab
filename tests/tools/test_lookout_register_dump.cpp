// Tests for tools/lookout/register_dump.cpp: the words of a known float in every word order.
#include <doctest/doctest.h>

#include "tools/lookout/register_dump.hpp"

using namespace lookout;
using firmware::RegisterKind;

namespace {

bool has_line(const std::string& text, const std::string& start, const std::string& part) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    if (line.starts_with(start) && line.find(part) != std::string::npos) return true;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return false;
}

}  // namespace

TEST_SUITE("lookout.read") {
  TEST_CASE("words in hex - uint16 and int16") {
    const auto text = cli::format_words(RegisterKind::input, 8, {0x00B4, 0xFF38});
    CHECK(has_line(text, "IR 8 ", "0x00B4     180     180"));
    CHECK(has_line(text, "IR 9 ", "0xFF38   65336    -200"));
  }

  TEST_CASE("a pair of words in every order - the XJ-VW4 example 2700.0 Hz") {
    // GIVEN 2700.0f = 0x4528C000 sent ABCD (XJ-VW4.md: ch1_freq float32 ABCD)
    const auto text = cli::format_pairs(RegisterKind::input, 0, {0x4528, 0xC000});
    // THEN the ABCD line reads 2700 and 0x4528C000 as integers
    CHECK(has_line(text, "IR 0-1        ABCD", "2700  "));
    CHECK(has_line(text, "IR 0-1        ABCD", "1160298496  1160298496"));
    // AND CDAB swaps the words: 0xC0004528, negative as int32
    CHECK(has_line(text, "IR 0-1        CDAB", "-1073724120  3221243176"));
    // AND BADC swaps the bytes in each word: 0x284500C0; DCBA both: 0x00C02845
    CHECK(has_line(text, "IR 0-1        BADC", " 675610816"));
    CHECK(has_line(text, "IR 0-1        DCBA", " 12593221"));
  }

  TEST_CASE("overlapping pairs - one block per neighbouring pair") {
    const auto text = cli::format_pairs(RegisterKind::holding, 10, {1, 2, 3});
    CHECK(has_line(text, "HR 10-11      ABCD", "65538"));
    CHECK(has_line(text, "HR 11-12      ABCD", "131075"));
    CHECK(cli::format_pairs(RegisterKind::holding, 0, {1}).empty());
  }
}
