#pragma once
// The words of a notification, from templates (docs/config.md "Notifications"): Chinese
// by default, or English; each template can be replaced in the configuration. A template
// is plain text with {placeholder}s; an unknown placeholder is left as it is.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aggregator/notify/notifier.hpp"
#include "aggregator/notify/settings.hpp"

namespace lookout::aggregator::notify {

/// "红色预警" / "Red warning"; "恢复正常" / "Normal" for normal.
std::string_view level_name(wire::Level l, Language lang);
/// "甲烷" for methane in Chinese; otherwise the quantity as it is.
std::string quantity_name(std::string_view quantity, Language lang);

/// Replaces each {name} in `tmpl` by its value.
std::string substitute(std::string_view tmpl, const std::map<std::string, std::string>& values);

/// The placeholders each template may use (the configuration checker refuses others).
const std::vector<std::string_view>& placeholders(std::string_view template_name);

/// The message text of a notice; `offset_min` [min] east of UTC is the site's time zone.
std::string render(const Notice& n, Language lang, const Templates& overrides, int offset_min);

}  // namespace lookout::aggregator::notify
