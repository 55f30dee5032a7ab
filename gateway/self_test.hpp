#pragma once
// `lookout-gateway --self-test`: what a freshly flashed firmware checks before it is kept
// (docs/operations.md "Flashing"). Touches nothing a running gateway owns: the outbox is
// opened read-only, the boot count is not counted, the watchdog is not opened.

#include <ostream>

#include "gateway/board_config.hpp"
#include "gateway/site_config.hpp"

namespace lookout::gateway {

/// Runs every check, one line each to `out` ("ok ..." or "FAIL ..."); true when all pass.
bool self_test(const SiteConfig& site, const BoardConfig* board, std::ostream& out);

}  // namespace lookout::gateway
