#include "tools/lookout/mqtt_acl.hpp"

#include <algorithm>
#include <vector>

#include "aggregator/mqtt_link.hpp"

namespace lookout::cli {

namespace {

// docs/protocol.md "Topics": each level 1 to 64 characters
constexpr std::size_t MAX_ID = 64;
constexpr std::string_view MARKER = "# lookout provision: ";

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    lines.emplace_back(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> topic_id_problem(std::string_view id) {
  if (id.empty() || id.size() > MAX_ID) return "want 1 to 64 characters";
  const bool ok = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!ok) return "only A-Z a-z 0-9 _ - (docs/protocol.md)";
  return std::nullopt;
}

std::optional<std::string> username_problem(std::string_view username) {
  if (username.empty()) return "empty";
  // ':' ends the user in the password file, a line break the "user" line of the ACL file
  const bool ok = std::none_of(username.begin(), username.end(), [](char c) {
    return c == ':' || static_cast<unsigned char>(c) <= ' ' || c == '\x7f';
  });
  if (!ok) return "no ':', blanks or line breaks";
  return std::nullopt;
}

std::string up_filter(const GatewayAccount& a) {
  return "lookout/v1/" + a.enterprise + "/" + a.site + "/" + a.gateway + "/up/#";
}

std::string down_filter(const GatewayAccount& a) {
  return "lookout/v1/" + a.enterprise + "/" + a.site + "/" + a.gateway + "/down/#";
}

AclAccount gateway_acl(const GatewayAccount& a) {
  return {a.username, "gateway " + a.gateway + " of " + a.enterprise + "/" + a.site,
          {"topic write " + up_filter(a), "topic read " + down_filter(a)}};
}

std::vector<AclAccount> aggregator_acl(const std::string& username) {
  return {{username, "aggregator " + username + ": listener", {"topic read lookout/v1/+/+/+/up/#"}},
          {aggregator::publisher_username(username),
           "aggregator " + username + ": publisher",
           {"topic write lookout/v1/+/+/alarms/#", "topic write lookout/v1/+/+/+/down/ack"}}};
}

std::string acl_block(const AclAccount& a) {
  std::string out = std::string(MARKER) + a.owner + "\n" + "user " + a.username + "\n";
  for (const auto& r : a.rules) out += r + "\n";
  return out;
}

std::optional<std::string> acl_owner(std::string_view acl, std::string_view username) {
  const auto lines = split_lines(acl);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trim(lines[i]) != "user " + std::string(username)) continue;
    if (i > 0 && lines[i - 1].starts_with(MARKER)) return lines[i - 1].substr(MARKER.size());
    return std::string();
  }
  return std::nullopt;
}

bool has_password(std::string_view passwd, std::string_view username) {
  const auto lines = split_lines(passwd);
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.starts_with(std::string(username) + ":"); });
}

std::string upsert_acl(std::string_view acl, const AclAccount& a) {
  const auto lines = split_lines(acl);
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trim(lines[i]) != "user " + a.username) {
      kept.push_back(lines[i]);
      continue;
    }
    // the old block: its marker comment before, its topic lines after
    if (!kept.empty() && kept.back().starts_with(MARKER)) kept.pop_back();
    while (i + 1 < lines.size() && trim(lines[i + 1]).starts_with("topic ")) ++i;
    // and the blank line that separated it from the next block
    if (i + 1 < lines.size() && trim(lines[i + 1]).empty() && (kept.empty() || trim(kept.back()).empty())) ++i;
  }
  // no blank lines piling up at the end
  while (!kept.empty() && trim(kept.back()).empty()) kept.pop_back();
  std::string out;
  for (const auto& l : kept) out += l + "\n";
  if (!out.empty()) out += "\n";
  return out + acl_block(a);
}

}  // namespace lookout::cli
