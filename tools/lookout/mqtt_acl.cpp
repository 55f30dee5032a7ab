#include "tools/lookout/mqtt_acl.hpp"

#include <algorithm>
#include <vector>

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

std::string up_filter(const GatewayAccount& a) {
  return "lookout/v1/" + a.enterprise + "/" + a.site + "/" + a.gateway + "/up/#";
}

std::string down_filter(const GatewayAccount& a) {
  return "lookout/v1/" + a.enterprise + "/" + a.site + "/" + a.gateway + "/down/#";
}

std::string acl_block(const GatewayAccount& a) {
  return std::string(MARKER) + "gateway " + a.gateway + " of " + a.enterprise + "/" + a.site + "\n" +  //
         "user " + a.username + "\n" +                                                                //
         "topic write " + up_filter(a) + "\n" +                                                        //
         "topic read " + down_filter(a) + "\n";
}

std::string upsert_acl(std::string_view acl, const GatewayAccount& a) {
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
