#include "tools/sim/text.hpp"

#include <charconv>
#include <cmath>

namespace lookout::sim {

std::optional<double> parse_finite(std::string_view text) {
  // from_chars rejects a leading '+'; accept it, people type it.
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value > max) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto start = text.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) break;
    auto stop = text.find_first_of(" \t", start);
    if (stop == std::string_view::npos) stop = text.size();
    words.push_back(text.substr(start, stop - start));
    pos = stop;
  }
  return words;
}

}  // namespace lookout::sim
