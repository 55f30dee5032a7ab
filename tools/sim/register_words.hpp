#pragma once
// 32-bit values as Modbus register words, the way the datasheets lay them out
// (datasheets/README.md: "float32 CDAB" = low word first, each word high byte first).
// Kept independent of the firmware decoder on purpose: the simulator is the oracle the
// gateway's decoding is tested against, so it must not share its code.

#include <array>
#include <cstdint>

namespace lookout::sim {

/// Two register words in wire order: words[0] at the lower address.
using WordPair = std::array<std::uint16_t, 2>;

/// uint32 CDAB: low word first (README.md "uint32 CDAB").
WordPair u32_cdab(std::uint32_t value);

/// float32 CDAB: the IEEE-754 bits, low word first (README.md "float32 CDAB").
/// 12.5f = 0x41480000 -> {0x0000, 0x4148}.
WordPair f32_cdab(float value);

/// uint32 ABCD: high word first (README.md "uint32 ABCD").
WordPair u32_abcd(std::uint32_t value);

/// float32 ABCD: the IEEE-754 bits, high word first. 2700.0f = 0x4528C000 -> {0x4528, 0xC000}.
WordPair f32_abcd(float value);

/// int32 CDAB: two's complement, low word first. -1250 = 0xFFFFFB1E -> {0xFB1E, 0xFFFF}.
WordPair i32_cdab(std::int32_t value);

/// int16 as the register word carries it (two's complement).
std::uint16_t i16_word(std::int16_t value);

}  // namespace lookout::sim
