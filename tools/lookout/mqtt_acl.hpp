#pragma once
// Broker users' entries in Mosquitto's ACL file (mosquitto.conf(5) "acl_file"), one block
// per user with a marker comment saying whose it is (docs/protocol.md "Topics"):
// - a gateway may publish only under its own `lookout/v1/{enterprise}/{site}/{gateway}/up/#`
//   and subscribe only to its own `.../down/#`;
// - the aggregator's listener may subscribe to every gateway's `up/#`, its publisher
//   (`{username}-alarms`, aggregator/mqtt_link.hpp) may publish the retained alarms and each
//   gateway's `down/ack`.
// Text in, text out: no file I/O here.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lookout::cli {

struct GatewayAccount {
  std::string enterprise;
  std::string site;
  std::string gateway;
  std::string username;  ///< default: "{enterprise}.{site}.{gateway}", unique on a broker
};

/// One broker user's block of the ACL file.
struct AclAccount {
  std::string username;
  std::string owner;               ///< its marker's text: "gateway gw-1 of xj-dam/dam-1", ...
  std::vector<std::string> rules;  ///< "topic write lookout/v1/...", in order
};

/// Why `id` cannot be a topic level (1 to 64 of A-Z a-z 0-9 _ -, docs/protocol.md), or
/// nullopt when it can. Also keeps '+', '#', '/' and line breaks out of the ACL file.
std::optional<std::string> topic_id_problem(std::string_view id);

/// Why `username` cannot be a broker user ("user:hash" lines in the password file, "user
/// NAME" lines in the ACL file, and the client id where the broker binds ids to users), or
/// nullopt when it can.
std::optional<std::string> username_problem(std::string_view username);

/// "lookout/v1/{enterprise}/{site}/{gateway}/up/#" and ".../down/#".
std::string up_filter(const GatewayAccount& a);
std::string down_filter(const GatewayAccount& a);

/// The gateway's user: write its up/, read its down/.
AclAccount gateway_acl(const GatewayAccount& a);
/// The aggregator's two users for the listener's `username`: `username` reads every
/// gateway's up/; `{username}-alarms` writes the alarms and every gateway's down/ack.
std::vector<AclAccount> aggregator_acl(const std::string& username);

/// The ACL block of one user: a marker comment, "user", and its topic lines.
std::string acl_block(const AclAccount& a);

/// `acl` with the user's block replaced (the "user" line of the same username and the
/// topic lines after it, with its marker comment) or appended: provisioning twice leaves one.
std::string upsert_acl(std::string_view acl, const AclAccount& a);

/// Whose block of `username` `acl` holds: the owner in its marker comment, "" when it has
/// none (written by hand), nullopt when `acl` has no "user" line of that name.
std::optional<std::string> acl_owner(std::string_view acl, std::string_view username);

/// Whether Mosquitto's password file `passwd` has a line of `username`.
bool has_password(std::string_view passwd, std::string_view username);

}  // namespace lookout::cli
