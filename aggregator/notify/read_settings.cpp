#include "aggregator/notify/read_settings.hpp"

#include <algorithm>
#include <fstream>

#include "aggregator/notify/local_time.hpp"
#include "aggregator/notify/text.hpp"

namespace lookout::aggregator::notify {
namespace {

using config::TomlChecker;

std::optional<Language> read_language(TomlChecker& c, const toml::table& t, const std::string& where) {
  const auto v = c.string(t, where, "language", false);
  if (!v) return std::nullopt;
  if (*v == "zh" || *v == "zh-CN") return Language::zh;
  if (*v == "en") return Language::en;
  c.issue(*t.get("language"), where + ".language: \"" + *v + "\" is not one of zh, en");
  return std::nullopt;
}

std::optional<int> read_zone(TomlChecker& c, const toml::table& t, const std::string& where, std::string_view key,
                             bool required, std::string* name) {
  const auto v = c.string(t, where, key, required);
  if (!v) return std::nullopt;
  const auto off = zone_offset(*v);
  if (!off) {
    c.issue(*t.get(key), where + "." + std::string(key) + ": \"" + *v +
                             "\" is not a known zone; use e.g. Asia/Shanghai, Asia/Urumqi or a fixed offset "
                             "such as UTC+08:00 (zones with daylight saving are not supported)");
    return std::nullopt;
  }
  if (name != nullptr) *name = *v;
  return off;
}

/// [s] seconds into [ms]; within [min_s, max_s].
std::optional<std::int64_t> read_seconds(TomlChecker& c, const toml::table& t, const std::string& where,
                                         std::string_view key, double min_s, double max_s) {
  const auto v = c.number(t, where, key, false);
  if (!v) return std::nullopt;
  if (!(*v >= min_s && *v <= max_s)) {
    c.issue(*t.get(key), where + "." + std::string(key) + ": " + std::to_string(*v) + " is out of range [" +
                             std::to_string(min_s) + ", " + std::to_string(max_s) + "] s");
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*v * 1000.0);
}

void read_filter(TomlChecker& c, const toml::table& t, const std::string& where, ChannelFilter& f) {
  if (auto v = c.string(t, where, "enterprise", false)) f.enterprise = *v;
  if (auto v = c.string(t, where, "site", false)) f.site = *v;
  if (auto v = c.string(t, where, "min_level", false)) {
    const auto l = wire::level_from_string(*v);
    if (!l || *l == wire::Level::normal) {
      c.issue(*t.get("min_level"), where + ".min_level: \"" + *v + "\" is not one of blue, yellow, orange, red");
    } else {
      f.min_level = *l;
    }
  }
}

void read_retry(TomlChecker& c, const toml::table& t, const std::string& where, RetryPolicy& r) {
  r.max_attempts = static_cast<int>(c.integer(t, where, "max_attempts", false, 1, 1000).value_or(r.max_attempts));
  r.initial_ms = read_seconds(c, t, where, "retry_initial_s", 0.01, 3600).value_or(r.initial_ms);
  r.max_ms = read_seconds(c, t, where, "retry_max_s", 0.01, 86400).value_or(r.max_ms);
  if (r.max_ms < r.initial_ms) c.issue(t, where + ": retry_max_s must be >= retry_initial_s");
}

/// What every channel (webhook, command hook) has besides its address: which alarms it
/// takes, its language, and how it delivers (timeout, queue bound, retries).
template <typename Channel>
void read_delivery(TomlChecker& c, const toml::table& t, const std::string& where, Language fallback, Channel& ch) {
  read_filter(c, t, where, ch.filter);
  ch.language = read_language(c, t, where).value_or(fallback);
  ch.timeout_ms = read_seconds(c, t, where, "timeout_s", 0.1, 600).value_or(ch.timeout_ms);
  ch.queue_limit = static_cast<std::size_t>(
      c.integer(t, where, "queue_limit", false, 1, 10'000'000).value_or(static_cast<std::int64_t>(ch.queue_limit)));
  read_retry(c, t, where, ch.retry);
}

void read_template(TomlChecker& c, const toml::table& t, std::string_view key, std::string& out) {
  const auto v = c.string(t, "notify.templates", key, false);
  if (!v) return;
  const auto& allowed = placeholders(key);
  // A typo in a placeholder would reach people's phones as "{levle}": refuse it here.
  for (std::size_t open = v->find('{'); open != std::string::npos; open = v->find('{', open + 1)) {
    const auto close = v->find('}', open + 1);
    if (close == std::string::npos) break;
    const std::string name = v->substr(open + 1, close - open - 1);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      c.issue(*t.get(key), "notify.templates." + std::string(key) + ": unknown placeholder {" + name +
                               "}; known: " + list);
    }
  }
  out = *v;
}

/// "http[s]://host[:port]/path" into its parts; false if it is not one.
bool split_url(const std::string& url, WebhookSettings& w) {
  constexpr std::string_view HTTP = "http://";
  constexpr std::string_view HTTPS = "https://";
  w.tls = url.rfind(HTTPS, 0) == 0;
  if (!w.tls && url.rfind(HTTP, 0) != 0) return false;
  const auto rest = url.substr(w.tls ? HTTPS.size() : HTTP.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  w.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.empty()) return false;
  std::string host = authority;
  std::string port = w.tls ? "443" : "80";
  if (authority.front() == '[') {
    const auto end = authority.find(']');
    if (end == std::string::npos) return false;
    host = authority.substr(1, end - 1);
    if (end + 1 < authority.size()) {
      if (authority[end + 1] != ':') return false;
      port = authority.substr(end + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) ||
      std::stoi(port) == 0 || std::stoi(port) > 65535) {
    return false;
  }
  w.host = host;
  w.port = port;
  return true;
}

}  // namespace

void read_notify_settings(TomlChecker& c, const toml::table& root, NotifySettings& out,
                          const std::filesystem::path& base) {
  if (const toml::table* n = c.table(root, "", "notify", false)) {
    c.only_keys(*n, "notify", {"language", "time_zone", "group_window_s", "repeat_min", "templates", "zone"});
    out.language = read_language(c, *n, "notify").value_or(out.language);
    out.offset_min = read_zone(c, *n, "notify", "time_zone", false, &out.time_zone).value_or(out.offset_min);
    out.group_window_ms = read_seconds(c, *n, "notify", "group_window_s", 0, 3600).value_or(out.group_window_ms);
    if (const auto v = c.number(*n, "notify", "repeat_min", false)) {
      if (!(*v == 0 || (*v >= 0.05 && *v <= 10080))) {
        c.issue(*n->get("repeat_min"), "notify.repeat_min: " + std::to_string(*v) +
                                           " must be 0 (no repeats) or in [0.05, 10080] min");
      } else {
        out.repeat_ms = static_cast<std::int64_t>(*v * 60'000.0);
      }
    }
    if (const toml::table* t = c.table(*n, "notify", "templates", false)) {
      c.only_keys(*t, "notify.templates", {"raised", "cleared", "repeat", "group", "group_line"});
      read_template(c, *t, "raised", out.templates.raised);
      read_template(c, *t, "cleared", out.templates.cleared);
      read_template(c, *t, "repeat", out.templates.repeat);
      read_template(c, *t, "group", out.templates.group);
      read_template(c, *t, "group_line", out.templates.group_line);
    }
    int i = 0;
    for (const toml::table* z : c.tables(*n, "notify", "zone", false)) {
      const std::string where = "notify.zone[" + std::to_string(i++) + "]";
      c.only_keys(*z, where, {"enterprise", "site", "time_zone"});
      ZoneOverride o;
      o.enterprise = c.string(*z, where, "enterprise", false).value_or("");
      o.site = c.string(*z, where, "site", false).value_or("");
      if (o.enterprise.empty() && o.site.empty()) c.issue(*z, where + ": name an enterprise or a site (or both)");
      if (auto off = read_zone(c, *z, where, "time_zone", true, &o.name)) o.offset_min = *off;
      out.zones.push_back(std::move(o));
    }
  }
  int i = 0;
  for (const toml::table* t : c.tables(root, "", "webhook", false)) {
    const std::string where = "webhook[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"url", "min_level", "enterprise", "site", "language", "timeout_s", "queue_limit",
                            "max_attempts", "retry_initial_s", "retry_max_s", "ca_file"});
    WebhookSettings w;
    w.language = out.language;
    if (auto url = c.string(*t, where, "url", true)) {
      w.url = *url;
      if (!split_url(*url, w)) {
        c.issue(*t->get("url"),
                where + ".url: \"" + *url + "\" is not http://host[:port]/path or https://host[:port]/path");
      }
    }
    if (auto ca = c.string(*t, where, "ca_file", false)) {
      // Relative to the configuration file's folder, like storage.path.
      const std::filesystem::path p(*ca);
      w.ca_file = (p.is_absolute() || base.empty() ? p : base / p).string();
      if (!w.tls) {
        c.issue(*t->get("ca_file"), where + ".ca_file: only used with an https:// url (the url is not)");
      } else if (!std::ifstream(w.ca_file)) {
        c.issue(*t->get("ca_file"), where + ".ca_file: cannot read " + w.ca_file);
      }
    }
    read_delivery(c, *t, where, out.language, w);
    out.webhooks.push_back(std::move(w));
  }
  i = 0;
  for (const toml::table* t : c.tables(root, "", "command_hook", false)) {
    const std::string where = "command_hook[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"command", "recipient", "min_level", "enterprise", "site", "language", "timeout_s",
                            "queue_limit", "max_attempts", "retry_initial_s", "retry_max_s"});
    CommandHookSettings h;
    if (auto cmd = c.strings(*t, where, "command", true)) {
      for (const auto& item : *cmd) h.command.push_back(item.value);
      if (cmd->empty()) {
        c.issue(*t->get("command"), where + ".command: give the program and its arguments, e.g. "
                                            "[\"/usr/local/bin/sms-send\", \"--to\", \"13800000000\"]");
      } else if (cmd->front().value.empty() || cmd->front().value.front() != '/') {
        // No shell and no PATH search: the program that runs is the one named.
        c.issue(*cmd->front().node, where + ".command: \"" + cmd->front().value + "\" must be an absolute path");
      }
    }
    h.recipient = c.string(*t, where, "recipient", false).value_or("");
    read_delivery(c, *t, where, out.language, h);
    out.command_hooks.push_back(std::move(h));
  }
}

}  // namespace lookout::aggregator::notify
