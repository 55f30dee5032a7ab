#pragma once
// What `lookout status` prints, from the aggregator's answers (docs/cli.md "status"): each
// site's level and whether it is in contact, each gateway's state and when it was last
// heard, and every point's latest reading with its time, age, quality, level and standing
// alarms. A site is never shown as normal while a gateway of it is offline or a point of
// it has lost contact: nothing could say it is not.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace lookout::cli {

enum class Lang { zh, en };

/// The language of the texts from the locale variables, in POSIX order of precedence:
/// the first set of LC_ALL, LC_MESSAGES, LANG decides; English when it names an English
/// locale (en, en_US.UTF-8, ...), Chinese otherwise (the product's default).
Lang lang_from_env(const char* lc_all, const char* lc_messages, const char* lang);

/// "5s", "3m12s", "2h05m", "3d04h" (English) or "5秒", "3分12秒", "2时05分", "3天04时":
/// one word, so a table row splits on blanks.
std::string age_text(std::int64_t age_ms, Lang lang);

struct StatusInput {
  nlohmann::json status;    ///< GET /api/v1/status
  nlohmann::json alarms;    ///< GET /api/v1/alarms
  nlohmann::json gateways;  ///< GET /api/v1/gateways
  std::string site;         ///< only this site; empty: all
  Lang lang = Lang::zh;
  int utc_offset_min = 0;  ///< [min] east of UTC, for the times shown
};

/// The three tables (sites, gateways, points), each after a title line, separated by a
/// blank line, and a legend line when a point has no rule judging it.
std::string render_status(const StatusInput& in);

}  // namespace lookout::cli
