// libFuzzer target: the gateway's site-file loader (gateway/site_config.hpp parse_site),
// which reads a file from the engineer and any text a down/config request carries.
// The only ways out are a SiteConfig and config::ConfigErrors: anything else escaping is a
// bug (libFuzzer reports an uncaught exception as a crash).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/site_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)lookout::gateway::parse_site(text, "fuzz-site.toml");
  } catch (const lookout::config::ConfigErrors&) {
    // refused with its reasons: what a broken file gets
  }
  return 0;
}
