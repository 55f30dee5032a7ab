#pragma once
// Who may see and do what through the HTTP API. Bearer tokens are random, shown once and
// stored only as their SHA-256; each carries a role and, for regulators and officers, a
// scope. Plain C++ except the hash and the random bytes (OpenSSL libcrypto).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "aggregator/store.hpp"

namespace lookout::aggregator {

enum class Role {
  regulator,  ///< read-only, the sites whose division code starts with the token's
  officer,    ///< an enterprise's safety officer: read, acknowledge and shelve, one enterprise
  engineer,   ///< read everything, acknowledge and shelve
  admin,      ///< everything, tokens included
};
std::string_view to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);

/// Administrative divisions of the sites (GB/T 2260 codes, 6 digits), from the config.
class Divisions {
 public:
  void set_enterprise(const std::string& enterprise, const std::string& division);
  void set_site(const std::string& enterprise, const std::string& site, const std::string& division);
  /// The site's own code, else its enterprise's; empty when neither is configured.
  std::string of(std::string_view enterprise, std::string_view site) const;

 private:
  std::map<std::string, std::string, std::less<>> enterprises_;
  std::map<std::pair<std::string, std::string>, std::string> sites_;
};

/// The caller of a request, once its token is known.
struct Principal {
  TokenRecord token;
  Role role = Role::regulator;
};

/// Whether `who` may see anything of a site. A regulator sees a site whose division code
/// starts with the token's (4302: Zhuzhou city and its counties); a site with no
/// division is seen by no regulator. An officer sees their own enterprise.
bool can_see(const Principal& who, const Divisions& divisions, std::string_view enterprise, std::string_view site);
/// Whether `who` sees every enterprise and site, whatever the divisions: what figures
/// labelled with all of them (/metrics) need.
bool can_see_everything(const Principal& who);
/// Whether `who` may acknowledge, shelve, unshelve an alarm of a site it can see.
bool can_act(const Principal& who);
/// Whether `who` may take an alarm out of service and put it back.
bool can_take_out_of_service(const Principal& who);
/// Whether `who` may manage tokens.
bool can_manage_tokens(const Principal& who);

/// A division code: `digits` digits exactly. Province 2, city 4, county 6.
bool is_division_code(std::string_view code);

/// A fresh token: "lk_" and 64 hex digits of 256 random bits from the OS's CSPRNG.
std::string new_token();
/// Lower-case hex SHA-256 of the text.
std::string sha256_hex(std::string_view text);

/// Checks a new token's role and scope; returns what is wrong, or empty.
std::string check_token_scope(Role role, const std::string& division, const std::string& enterprise);

}  // namespace lookout::aggregator
