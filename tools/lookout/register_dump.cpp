#include "tools/lookout/register_dump.hpp"

#include <cstdio>
#include <span>

namespace lookout::cli {

namespace {

std::string_view table(firmware::RegisterKind k) {
  return k == firmware::RegisterKind::holding ? "HR" : k == firmware::RegisterKind::input ? "IR" : "CO";
}

}  // namespace

std::string format_words(firmware::RegisterKind kind, std::uint16_t start, const std::vector<std::uint16_t>& words) {
  std::string out = "register       hex  uint16   int16\n";
  char line[96];
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::snprintf(line, sizeof line, "%s %-6u  0x%04X  %6u  %6d\n", std::string(table(kind)).c_str(),
                  static_cast<unsigned>(start + i), words[i], words[i], static_cast<std::int16_t>(words[i]));
    out += line;
  }
  return out;
}

std::string format_pairs(firmware::RegisterKind kind, std::uint16_t start, const std::vector<std::uint16_t>& words) {
  if (words.size() < 2) return {};
  using firmware::ValueType;
  using firmware::WordOrder;
  std::string out = "registers     order          float32        int32      uint32\n";
  char line[128];
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const std::span<const std::uint16_t> pair(words.data() + i, 2);
    for (const auto order : {WordOrder::abcd, WordOrder::cdab, WordOrder::badc, WordOrder::dcba}) {
      const double f = firmware::decode(pair, ValueType::f32, order);
      const double s = firmware::decode(pair, ValueType::i32, order);
      const double u = firmware::decode(pair, ValueType::u32, order);
      const std::string order_name(firmware::to_string(order));
      const std::string where = std::string(table(kind)) + " " + std::to_string(start + i) + "-" +
                                std::to_string(start + i + 1);
      std::snprintf(line, sizeof line, "%-13s %s  %15.7g  %11.0f  %10.0f\n", where.c_str(), order_name.c_str(), f, s,
                    u);
      out += line;
    }
  }
  return out;
}

}  // namespace lookout::cli
