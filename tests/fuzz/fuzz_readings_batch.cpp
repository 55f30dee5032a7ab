// libFuzzer target: the readings-batch decoder (firmware/wire/messages.hpp), what the
// aggregator runs on every up/readings message any gateway login may publish.
// Never throws, never crashes; a batch it accepts survives encode and decode unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "firmware/wire/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lookout::wire;
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const auto decoded = decode_readings(payload);
  const auto* batch = std::get_if<ReadingsBatch>(&decoded);
  if (!batch) return 0;
  // What the aggregator accepted, the gateway's encoder must write back the same way.
  const std::string once = encode(*batch);
  const auto again = decode_readings(once);
  if (!std::holds_alternative<ReadingsBatch>(again) || encode(std::get<ReadingsBatch>(again)) != once) std::abort();
  return 0;
}
