#pragma once
// Register words to numbers. No I/O: words in, values out (style.md 3).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace lookout::firmware {

/// Byte order of a multi-register value, spelled as libmodbus spells it
/// (modbus_get_float_abcd and friends): A is the most significant byte.
enum class WordOrder {
  abcd,  ///< high word first, high byte first
  cdab,  ///< low word first, each word high byte first (word-swapped)
  badc,  ///< high word first, bytes swapped in each word
  dcba,  ///< low word first, bytes swapped
};

enum class ValueType { u16, i16, u32, i32, f32 };

/// Modbus data tables (datasheets/README.md: HR, IR, CO).
enum class RegisterKind {
  holding,  ///< HR, read with function 03
  input,    ///< IR, read with function 04
  coil,     ///< CO, read with function 01: one word per coil, 0 or 1 (a field of type u16)
};

std::optional<WordOrder> word_order_from_string(std::string_view s);
std::string_view to_string(WordOrder o);
std::string_view to_string(ValueType t);

/// Number of 16-bit registers a value of this type occupies.
constexpr int register_count(ValueType t) {
  return (t == ValueType::u16 || t == ValueType::i16) ? 1 : 2;
}

/// The 32 bits ABCD of two consecutive registers read in the given order.
std::uint32_t combine(std::uint16_t first, std::uint16_t second, WordOrder order);

/// Decodes one value from the first register_count(type) words. Floats may come out NaN
/// or infinite exactly as the device sent them; callers decide what that means.
double decode(std::span<const std::uint16_t> words, ValueType type, WordOrder order);

/// The inverse, for simulators and tests: the words a device would send.
void encode_u32(std::uint32_t abcd, WordOrder order, std::uint16_t out[2]);
void encode_f32(float value, WordOrder order, std::uint16_t out[2]);

}  // namespace lookout::firmware
