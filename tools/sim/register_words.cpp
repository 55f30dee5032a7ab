#include "tools/sim/register_words.hpp"

#include <bit>

namespace lookout::sim {

WordPair u32_cdab(std::uint32_t value) {
  return {static_cast<std::uint16_t>(value & 0xFFFFu), static_cast<std::uint16_t>(value >> 16)};
}

WordPair f32_cdab(float value) { return u32_cdab(std::bit_cast<std::uint32_t>(value)); }

WordPair u32_abcd(std::uint32_t value) {
  return {static_cast<std::uint16_t>(value >> 16), static_cast<std::uint16_t>(value & 0xFFFFu)};
}

WordPair f32_abcd(float value) { return u32_abcd(std::bit_cast<std::uint32_t>(value)); }

WordPair i32_cdab(std::int32_t value) { return u32_cdab(std::bit_cast<std::uint32_t>(value)); }

std::uint16_t i16_word(std::int16_t value) { return std::bit_cast<std::uint16_t>(value); }

}  // namespace lookout::sim
