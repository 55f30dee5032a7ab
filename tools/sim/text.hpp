#pragma once
// Strict parsing of the numbers and words the command line and the control protocol carry.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace lookout::sim {

/// A finite decimal number ("1.25", "-3", "1e2"); nullopt for junk, NaN or infinity.
std::optional<double> parse_finite(std::string_view text);

/// A non-negative decimal integer no larger than max; nullopt otherwise.
std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max);

/// Splits on spaces and tabs; empty words are dropped.
std::vector<std::string_view> split_words(std::string_view text);

}  // namespace lookout::sim
