#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "firmware/registers.hpp"

using namespace lookout::firmware;

TEST_SUITE("registers") {
  // 12.5f is 0x41480000: A=0x41 B=0x48 C=0x00 D=0x00.
  TEST_CASE("float32 in all four word orders") {
    CHECK(decode(std::vector<std::uint16_t>{0x4148, 0x0000}, ValueType::f32, WordOrder::abcd) == 12.5);
    CHECK(decode(std::vector<std::uint16_t>{0x0000, 0x4148}, ValueType::f32, WordOrder::cdab) == 12.5);
    CHECK(decode(std::vector<std::uint16_t>{0x4841, 0x0000}, ValueType::f32, WordOrder::badc) == 12.5);
    CHECK(decode(std::vector<std::uint16_t>{0x0000, 0x4841}, ValueType::f32, WordOrder::dcba) == 12.5);
  }

  TEST_CASE("float32 CDAB as XJ-GD100 sends it: low word at the lower address") {
    // GIVEN 1.2f = 0x3F99999A; CDAB puts 0x999A first, then 0x3F99
    std::uint16_t words[2];
    encode_f32(1.2f, WordOrder::cdab, words);
    CHECK(words[0] == 0x999A);
    CHECK(words[1] == 0x3F99);
    // THEN it decodes to the float's shortest decimal, not 1.2000000476837158
    CHECK(decode(words, ValueType::f32, WordOrder::cdab) == 1.2);
  }

  TEST_CASE("float32 NaN and infinity come through as they are") {
    std::uint16_t words[2];
    encode_f32(std::nanf(""), WordOrder::cdab, words);
    CHECK(std::isnan(decode(words, ValueType::f32, WordOrder::cdab)));
    encode_f32(INFINITY, WordOrder::abcd, words);
    CHECK(std::isinf(decode(words, ValueType::f32, WordOrder::abcd)));
  }

  TEST_CASE("uint32 CDAB and ABCD") {
    // 70000 = 0x00011170
    CHECK(decode(std::vector<std::uint16_t>{0x1170, 0x0001}, ValueType::u32, WordOrder::cdab) == 70000);
    CHECK(decode(std::vector<std::uint16_t>{0x0001, 0x1170}, ValueType::u32, WordOrder::abcd) == 70000);
    CHECK(decode(std::vector<std::uint16_t>{0xFFFF, 0xFFFF}, ValueType::u32, WordOrder::abcd) == 4294967295.0);
  }

  TEST_CASE("int32 is signed") {
    CHECK(decode(std::vector<std::uint16_t>{0xFFFE, 0xFFFF}, ValueType::i32, WordOrder::cdab) == -2);
  }

  TEST_CASE("int16 and uint16") {
    CHECK(decode(std::vector<std::uint16_t>{0xFF38}, ValueType::i16, WordOrder::abcd) == -200);
    CHECK(decode(std::vector<std::uint16_t>{0xFF38}, ValueType::u16, WordOrder::abcd) == 65336);
  }

  TEST_CASE("too few registers is an error - not a read past the end") {
    CHECK_THROWS_AS(decode(std::vector<std::uint16_t>{0x4148}, ValueType::f32, WordOrder::abcd), std::invalid_argument);
  }

  TEST_CASE("word order names") {
    CHECK(word_order_from_string("CDAB") == WordOrder::cdab);
    CHECK(!word_order_from_string("cdab"));
    CHECK(to_string(WordOrder::dcba) == "DCBA");
    std::uint16_t words[2];
    for (const auto o : {WordOrder::abcd, WordOrder::cdab, WordOrder::badc, WordOrder::dcba}) {
      encode_u32(0x01020304, o, words);
      CHECK(combine(words[0], words[1], o) == 0x01020304u);
    }
  }
}
