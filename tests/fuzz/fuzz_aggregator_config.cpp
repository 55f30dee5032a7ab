// libFuzzer target: the aggregator's configuration loader (aggregator/config.hpp
// parse_aggregator_config). The only ways out are a configuration and
// config::ConfigErrors: anything else escaping is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aggregator/config.hpp"
#include "firmware/config/toml_checker.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)lookout::aggregator::parse_aggregator_config(text, "fuzz-aggregator.toml");
  } catch (const lookout::config::ConfigErrors&) {
    // refused with its reasons
  }
  return 0;
}
