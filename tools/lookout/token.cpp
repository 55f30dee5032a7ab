// lookout token create|list|revoke: API tokens in the aggregator's database. A token is
// printed once, at creation; only its SHA-256 is stored.

#include <chrono>
#include <cstdio>
#include <iostream>

#include "aggregator/auth.hpp"
#include "aggregator/sqlite_store.hpp"
#include "tools/lookout/commands.hpp"

namespace lookout::cli {
namespace {

constexpr const char* USAGE =
    "usage: lookout token create --role regulator|officer|engineer|admin --name NAME\n"
    "                            [--division CODE | --enterprise ID] --db AGGREGATOR.db\n"
    "       lookout token list --db AGGREGATOR.db\n"
    "       lookout token revoke ID --db AGGREGATOR.db\n";

std::int64_t utc_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int token(const Args& args) {
  if (args.empty()) {
    std::cerr << USAGE;
    return 2;
  }
  const std::string verb = args[0];
  std::string role, name, division, enterprise, db, id;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    bool ok = true;
    if (args[i] == "--role") {
      ok = value(role);
    } else if (args[i] == "--name") {
      ok = value(name);
    } else if (args[i] == "--division") {
      ok = value(division);
    } else if (args[i] == "--enterprise") {
      ok = value(enterprise);
    } else if (args[i] == "--db") {
      ok = value(db);
    } else if (verb == "revoke" && id.empty() && !args[i].starts_with("--")) {
      id = args[i];
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "lookout token: unexpected \"" << args[i] << "\"\n" << USAGE;
      return 2;
    }
  }
  if (db.empty()) {
    std::cerr << "lookout token: --db is required (the aggregator's [storage] path)\n" << USAGE;
    return 2;
  }
  try {
    if (verb == "create") {
      const auto r = aggregator::role_from_string(role);
      if (!r) {
        std::cerr << "lookout token: --role must be regulator, officer, engineer or admin\n";
        return 2;
      }
      if (name.empty()) {
        std::cerr << "lookout token: --name is required (who holds the token; it appears in the audit trail)\n";
        return 2;
      }
      if (const auto why = aggregator::check_token_scope(*r, division, enterprise); !why.empty()) {
        std::cerr << "lookout token: " << why << "\n";
        return 2;
      }
      aggregator::SqliteStore store(db);
      const std::string secret = aggregator::new_token();
      const auto new_id = store.create_token(
          {0, name, std::string(aggregator::to_string(*r)), division, enterprise, utc_ms(), 0},
          aggregator::sha256_hex(secret));
      std::cerr << "token " << new_id << " (" << role << ", " << name << ") created; it is shown only now:\n";
      std::cout << secret << std::endl;
      return 0;
    }
    if (verb == "list") {
      aggregator::SqliteStore store(db);
      std::printf("%-5s %-20s %-10s %-10s %-16s %s\n", "id", "name", "role", "division", "enterprise", "state");
      for (const auto& t : store.tokens()) {
        std::printf("%-5lld %-20s %-10s %-10s %-16s %s\n", static_cast<long long>(t.id), t.name.c_str(),
                    t.role.c_str(), t.division.empty() ? "-" : t.division.c_str(),
                    t.enterprise.empty() ? "-" : t.enterprise.c_str(), t.revoked_ms == 0 ? "valid" : "revoked");
      }
      return 0;
    }
    if (verb == "revoke") {
      std::int64_t n = 0;
      try {
        std::size_t used = 0;
        n = std::stoll(id, &used);
        if (used != id.size()) throw std::invalid_argument(id);
      } catch (const std::exception&) {
        std::cerr << "lookout token revoke: \"" << id << "\" is not a token id (see lookout token list)\n";
        return 2;
      }
      aggregator::SqliteStore store(db);
      if (!store.revoke_token(n, utc_ms())) {
        std::cerr << "lookout token revoke: no valid token " << n << "\n";
        return 1;
      }
      std::cout << "token " << n << " revoked\n";
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "lookout token: " << e.what() << "\n";
    return 1;
  }
  std::cerr << USAGE;
  return 2;
}

}  // namespace lookout::cli
