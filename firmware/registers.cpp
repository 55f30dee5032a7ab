#include "firmware/registers.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace lookout::firmware {
namespace {

std::uint16_t swap_bytes(std::uint16_t w) { return static_cast<std::uint16_t>((w >> 8) | (w << 8)); }

/// The double nearest the float's shortest decimal form: 1.2f becomes 1.2, not 1.2000000476837158.
double float_to_double(float f) {
  if (!std::isfinite(f)) return static_cast<double>(f);
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  double d = static_cast<double>(f);
  if (ec == std::errc{}) std::from_chars(buf, end, d);
  return d;
}

}  // namespace

std::optional<WordOrder> word_order_from_string(std::string_view s) {
  if (s == "ABCD") return WordOrder::abcd;
  if (s == "CDAB") return WordOrder::cdab;
  if (s == "BADC") return WordOrder::badc;
  if (s == "DCBA") return WordOrder::dcba;
  return std::nullopt;
}

std::string_view to_string(WordOrder o) {
  switch (o) {
    case WordOrder::abcd: return "ABCD";
    case WordOrder::cdab: return "CDAB";
    case WordOrder::badc: return "BADC";
    case WordOrder::dcba: return "DCBA";
  }
  return "?";
}

std::string_view to_string(ValueType t) {
  switch (t) {
    case ValueType::u16: return "uint16";
    case ValueType::i16: return "int16";
    case ValueType::u32: return "uint32";
    case ValueType::i32: return "int32";
    case ValueType::f32: return "float32";
  }
  return "?";
}

std::uint32_t combine(std::uint16_t first, std::uint16_t second, WordOrder order) {
  std::uint16_t hi = 0;
  std::uint16_t lo = 0;
  switch (order) {
    case WordOrder::abcd: hi = first; lo = second; break;
    case WordOrder::cdab: hi = second; lo = first; break;
    case WordOrder::badc: hi = swap_bytes(first); lo = swap_bytes(second); break;
    case WordOrder::dcba: hi = swap_bytes(second); lo = swap_bytes(first); break;
  }
  return (static_cast<std::uint32_t>(hi) << 16) | lo;
}

double decode(std::span<const std::uint16_t> words, ValueType type, WordOrder order) {
  if (words.size() < static_cast<std::size_t>(register_count(type))) {
    throw std::invalid_argument("decode: too few registers for " + std::string(to_string(type)));
  }
  switch (type) {
    case ValueType::u16: return words[0];
    case ValueType::i16: return static_cast<std::int16_t>(words[0]);
    case ValueType::u32: return combine(words[0], words[1], order);
    case ValueType::i32: return static_cast<std::int32_t>(combine(words[0], words[1], order));
    case ValueType::f32: return float_to_double(std::bit_cast<float>(combine(words[0], words[1], order)));
  }
  return 0.0;
}

void encode_u32(std::uint32_t abcd, WordOrder order, std::uint16_t out[2]) {
  const auto hi = static_cast<std::uint16_t>(abcd >> 16);
  const auto lo = static_cast<std::uint16_t>(abcd & 0xFFFF);
  switch (order) {
    case WordOrder::abcd: out[0] = hi; out[1] = lo; break;
    case WordOrder::cdab: out[0] = lo; out[1] = hi; break;
    case WordOrder::badc: out[0] = swap_bytes(hi); out[1] = swap_bytes(lo); break;
    case WordOrder::dcba: out[0] = swap_bytes(lo); out[1] = swap_bytes(hi); break;
  }
}

void encode_f32(float value, WordOrder order, std::uint16_t out[2]) {
  encode_u32(std::bit_cast<std::uint32_t>(value), order, out);
}

}  // namespace lookout::firmware
