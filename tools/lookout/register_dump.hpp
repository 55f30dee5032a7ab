#pragma once
// Register words as text for `lookout read --raw`: each word in hex and decimal, and each
// pair of neighbouring words as float32, int32 and uint32 under every word order (ABCD,
// CDAB, BADC, DCBA), so a wrong byte order on site shows at a glance. No I/O.

#include <cstdint>
#include <string>
#include <vector>

#include "firmware/registers.hpp"

namespace lookout::cli {

/// One line per word: "HR 100  0x0001      1      1" (table, address, hex, uint16, int16).
std::string format_words(firmware::RegisterKind kind, std::uint16_t start, const std::vector<std::uint16_t>& words);

/// Four lines per pair of neighbouring words (start+i, start+i+1), one per word order.
std::string format_pairs(firmware::RegisterKind kind, std::uint16_t start, const std::vector<std::uint16_t>& words);

}  // namespace lookout::cli
