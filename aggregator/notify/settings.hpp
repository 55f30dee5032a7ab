#pragma once
// What the aggregator's configuration says about notifications (docs/config.md
// "Notifications"): `[notify]`, `[[webhook]]`, `[[command_hook]]`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/wire/messages.hpp"

namespace lookout::aggregator::notify {

enum class Language { zh, en };

/// Which changes a channel takes: from a minimum level, of one enterprise or site (empty: all).
struct ChannelFilter {
  wire::Level min_level = wire::Level::blue;
  std::string enterprise;
  std::string site;
  /// `level`: the higher of the alarm's new and previous level, so a channel that was told
  /// of an orange alarm is also told when it clears.
  bool matches(std::string_view e, std::string_view s, wire::Level level) const;
};

/// Bounded retries: the delay doubles from `initial_ms` up to `max_ms`, at most `max_attempts` tries.
struct RetryPolicy {
  int max_attempts = 20;
  std::int64_t initial_ms = 1000;  ///< [ms]
  std::int64_t max_ms = 300'000;   ///< [ms]
  /// [ms] the wait before attempt `attempt` (1-based; attempt 1 is immediate).
  std::int64_t delay_before(int attempt) const;
};

struct WebhookSettings {
  std::string url;  ///< http://host[:port]/path or https://host[:port]/path
  std::string host;
  std::string port;
  std::string target;
  bool tls = false;     ///< https: the server's certificate and host name are verified
  std::string ca_file;  ///< https: PEM file of the CAs to trust; empty: the system's (absolute path)
  ChannelFilter filter;
  Language language = Language::zh;
  std::int64_t timeout_ms = 10'000;  ///< [ms] per attempt: connect, send, answer
  std::size_t queue_limit = 10'000;  ///< notices waiting (also in the outbox); beyond it the oldest is dropped
  RetryPolicy retry;
};

struct CommandHookSettings {
  std::vector<std::string> command;  ///< argv; command[0] an absolute path; no shell
  std::string recipient;             ///< given to the program as LOOKOUT_RECIPIENT
  ChannelFilter filter;
  Language language = Language::zh;
  std::int64_t timeout_ms = 10'000;  ///< [ms] then the program is killed
  std::size_t queue_limit = 10'000;
  RetryPolicy retry{3, 5'000, 60'000};
};

/// A time zone as a fixed offset from UTC (see local_time.hpp for why not tzdb).
struct ZoneOverride {
  std::string enterprise;
  std::string site;
  std::string name;
  int offset_min = 480;  ///< [min] east of UTC
};

/// Template overrides; an empty string keeps the language's default.
struct Templates {
  std::string raised;
  std::string cleared;
  std::string repeat;
  std::string group;
  std::string group_line;
};

struct NotifySettings {
  Language language = Language::zh;
  std::string time_zone = "Asia/Shanghai";
  int offset_min = 480;                   ///< [min] east of UTC, of time_zone
  std::vector<ZoneOverride> zones;        ///< per enterprise or site; the most specific wins
  std::int64_t group_window_ms = 10'000;  ///< [ms] changes at one site inside it become one message
  std::int64_t repeat_ms = 900'000;       ///< [ms] repeat of an active unacknowledged alarm; 0: never
  Templates templates;
  std::vector<WebhookSettings> webhooks;
  std::vector<CommandHookSettings> command_hooks;
  /// [min] east of UTC for a site.
  int offset_for(std::string_view enterprise, std::string_view site) const;
};

}  // namespace lookout::aggregator::notify

