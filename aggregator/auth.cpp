#include "aggregator/auth.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace lookout::aggregator {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 4> ROLES{{
    {Role::regulator, "regulator"},
    {Role::officer, "officer"},
    {Role::engineer, "engineer"},
    {Role::admin, "admin"},
}};

std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char DIGITS[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(DIGITS[bytes[i] >> 4]);
    out.push_back(DIGITS[bytes[i] & 0xf]);
  }
  return out;
}

}  // namespace

std::string_view to_string(Role r) {
  for (const auto& [k, v] : ROLES) {
    if (k == r) return v;
  }
  return "?";
}

std::optional<Role> role_from_string(std::string_view s) {
  for (const auto& [k, v] : ROLES) {
    if (v == s) return k;
  }
  return std::nullopt;
}

void Divisions::set_enterprise(const std::string& enterprise, const std::string& division) {
  enterprises_[enterprise] = division;
}

void Divisions::set_site(const std::string& enterprise, const std::string& site, const std::string& division) {
  sites_[{enterprise, site}] = division;
}

std::string Divisions::of(std::string_view enterprise, std::string_view site) const {
  if (const auto s = sites_.find({std::string(enterprise), std::string(site)}); s != sites_.end()) return s->second;
  if (const auto e = enterprises_.find(enterprise); e != enterprises_.end()) return e->second;
  return "";
}

bool can_see(const Principal& who, const Divisions& divisions, std::string_view enterprise, std::string_view site) {
  switch (who.role) {
    case Role::admin:
    case Role::engineer:
      return true;
    case Role::officer:
      return !who.token.enterprise.empty() && who.token.enterprise == enterprise;
    case Role::regulator: {
      const std::string division = divisions.of(enterprise, site);
      return !who.token.division.empty() && !division.empty() && division.starts_with(who.token.division);
    }
  }
  return false;
}

bool can_see_everything(const Principal& who) { return who.role == Role::engineer || who.role == Role::admin; }

bool can_act(const Principal& who) { return who.role != Role::regulator; }

bool can_take_out_of_service(const Principal& who) { return who.role == Role::engineer || who.role == Role::admin; }

bool can_manage_tokens(const Principal& who) { return who.role == Role::admin; }

bool is_division_code(std::string_view code) {
  if (code.size() != 2 && code.size() != 4 && code.size() != 6) return false;
  for (const char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string new_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no random bytes for a token (OpenSSL RAND_bytes failed)");
  }
  return "lk_" + hex(bytes.data(), bytes.size());
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), md.data(), &n, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed (OpenSSL EVP_Digest)");
  }
  return hex(md.data(), n);
}

std::string check_token_scope(Role role, const std::string& division, const std::string& enterprise) {
  switch (role) {
    case Role::regulator:
      if (!enterprise.empty()) return "a regulator token is scoped by --division, not --enterprise";
      if (!is_division_code(division)) {
        return "a regulator token needs --division: a code of 2, 4 or 6 digits (e.g. 4302 for a city)";
      }
      return "";
    case Role::officer:
      if (!division.empty()) return "an officer token is scoped by --enterprise, not --division";
      if (enterprise.empty()) return "an officer token needs --enterprise";
      return "";
    case Role::engineer:
    case Role::admin:
      if (!division.empty() || !enterprise.empty()) return "engineer and admin tokens are not scoped";
      return "";
  }
  return "unknown role";
}

}  // namespace lookout::aggregator
