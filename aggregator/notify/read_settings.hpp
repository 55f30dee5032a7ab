#pragma once
// Reads the notification tables of the aggregator's configuration (docs/config.md
// "Notifications"), each problem recorded with file:line:column.

#include <filesystem>

#include "aggregator/notify/settings.hpp"
#include "firmware/config/toml_checker.hpp"

namespace lookout::aggregator::notify {

/// `[notify]`, `[[webhook]]` and `[[command_hook]]` of the root table into `out`; relative
/// file names (a webhook's ca_file) are taken from `base`, the configuration file's folder.
void read_notify_settings(config::TomlChecker& c, const toml::table& root, NotifySettings& out,
                          const std::filesystem::path& base = {});

}  // namespace lookout::aggregator::notify
