#pragma once
// How large a message may be, and how deeply nested, before it is even parsed
// (docs/protocol.md "Bounds"). Every receiver of a message goes through parse_bounded(): the
// aggregator for up/ messages, a gateway for its down/ requests.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace lookout::wire {

/// [bytes] the largest message on an up/ topic: 10 000 readings (MAX_READINGS_PER_BATCH)
/// with every field at its longest take about 4.3 MB, and a real batch a small part of that.
inline constexpr std::size_t MAX_MESSAGE_BYTES = 5 * 1024 * 1024;
/// [bytes] the largest request on a gateway's down/ topics: a site file as text inside one,
/// some hundred times the size of a site file of 100 devices.
inline constexpr std::size_t MAX_REQUEST_BYTES = 1024 * 1024;
/// JSON objects and arrays nested in one message, the message itself counted: a readings
/// batch and a status need 3; the rest is room for fields a later version adds.
inline constexpr int MAX_DEPTH = 8;
/// Readings in one batch.
inline constexpr std::size_t MAX_READINGS_PER_BATCH = 10000;
/// [bytes] a reading's unit ("%CH4", "mm/d", "degC").
inline constexpr std::size_t MAX_UNIT_BYTES = 16;
/// [bytes] any other text field (firmware version, site hash, an alarm's state or rule).
inline constexpr std::size_t MAX_TEXT_BYTES = 256;

/// The JSON of one message, or why it was not parsed: larger than `max_bytes`, nested
/// deeper than MAX_DEPTH, or not JSON. Parsing stops at the first container too deep, so a
/// message of a million '[' costs no more than its bytes.
std::variant<nlohmann::json, std::string> parse_bounded(std::string_view payload,
                                                        std::size_t max_bytes = MAX_MESSAGE_BYTES);

}  // namespace lookout::wire
