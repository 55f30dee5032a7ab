#pragma once
// A gateway's entry in Mosquitto's ACL file (mosquitto.conf(5) "acl_file"): it may publish
// only under its own `lookout/v1/{enterprise}/{site}/{gateway}/up/#` and subscribe only to
// its own `.../down/#` (docs/protocol.md "Topics"; design.md "Contracts"). Text in, text
// out: no file I/O here.

#include <optional>
#include <string>
#include <string_view>

namespace lookout::cli {

struct GatewayAccount {
  std::string enterprise;
  std::string site;
  std::string gateway;
  std::string username;  ///< default: "{enterprise}.{site}.{gateway}", unique on a broker
};

/// Why `id` cannot be a topic level (1 to 64 of A-Z a-z 0-9 _ -, docs/protocol.md), or
/// nullopt when it can. Also keeps '+', '#', '/' and line breaks out of the ACL file.
std::optional<std::string> topic_id_problem(std::string_view id);

/// "lookout/v1/{enterprise}/{site}/{gateway}/up/#" and ".../down/#".
std::string up_filter(const GatewayAccount& a);
std::string down_filter(const GatewayAccount& a);

/// The ACL block of one gateway: a marker comment, "user", and its two topic lines.
std::string acl_block(const GatewayAccount& a);

/// `acl` with the gateway's block replaced (the "user" line of the same username and the
/// topic lines after it, with its marker comment) or appended: provisioning twice leaves one.
std::string upsert_acl(std::string_view acl, const GatewayAccount& a);

}  // namespace lookout::cli
