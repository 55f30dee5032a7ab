// Tests for tools/sim/register_words.cpp: 32-bit values in datasheet word order.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "tools/sim/register_words.hpp"

using namespace lookout::sim;

TEST_SUITE("sim") {
  TEST_CASE("float32 CDAB puts the low word first (datasheets/README.md)") {
    // GIVEN 12.5f, whose IEEE-754 bits are 0x41480000
    // THEN the word at the lower address is the low word 0x0000, then the high 0x4148
    CHECK(f32_cdab(12.5f) == WordPair{0x0000, 0x4148});
    // 1.5f = 0x3FC00000; -2.0f = 0xC0000000; 20.9f = 0x41A73333
    CHECK(f32_cdab(1.5f) == WordPair{0x0000, 0x3FC0});
    CHECK(f32_cdab(-2.0f) == WordPair{0x0000, 0xC000});
    CHECK(f32_cdab(20.9f) == WordPair{0x3333, 0x41A7});
  }

  TEST_CASE("float32 CDAB of NaN is a quiet NaN on the wire") {
    const auto words = f32_cdab(std::numeric_limits<float>::quiet_NaN());
    CHECK(words[0] == 0x0000);
    CHECK(words[1] == 0x7FC0);
  }

  TEST_CASE("uint32 CDAB puts the low word first") {
    CHECK(u32_cdab(0x00012345u) == WordPair{0x2345, 0x0001});
    CHECK(u32_cdab(70000u) == WordPair{0x1170, 0x0001});  // 70000 = 0x00011170
    CHECK(u32_cdab(0xFFFFFFFFu) == WordPair{0xFFFF, 0xFFFF});
  }

  TEST_CASE("int16 words are two's complement") {
    CHECK(i16_word(-1) == 0xFFFF);
    CHECK(i16_word(-55) == 0xFFC9);
    CHECK(i16_word(235) == 235);
  }
}
