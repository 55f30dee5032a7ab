#pragma once
// The site file's edge safety: [[interlock]] and [[warning]] tables (docs/config.md "Edge
// safety"), checked against the devices and points of the site.

#include <toml++/toml.h>

#include "firmware/config/toml_checker.hpp"
#include "gateway/site_config.hpp"

namespace lookout::gateway {

/// Reads the tables into `site` (its buses already read); every problem goes to `c`.
void read_edge_safety(config::TomlChecker& c, const toml::table& root, SiteConfig& site);

}  // namespace lookout::gateway
