// lookout token create|list|revoke: API tokens in the aggregator's database. A token is
// printed once, at creation; only its SHA-256 is stored.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "aggregator/auth.hpp"
#include "aggregator/sqlite_store.hpp"
#include "firmware/command_line.hpp"
#include "tools/lookout/commands.hpp"

namespace lookout::cli {
namespace {

constexpr const char* CREATE_USAGE =
    "usage: lookout token create --role regulator|officer|engineer|admin --name NAME\n"
    "                            [--division CODE | --enterprise ID] --db AGGREGATOR.db\n";
constexpr const char* LIST_USAGE = "usage: lookout token list --db AGGREGATOR.db\n";
constexpr const char* REVOKE_USAGE = "usage: lookout token revoke ID --db AGGREGATOR.db\n";
constexpr const char* USAGE =
    "usage: lookout token create --role regulator|officer|engineer|admin --name NAME\n"
    "                            [--division CODE | --enterprise ID] --db AGGREGATOR.db\n"
    "       lookout token list --db AGGREGATOR.db\n"
    "       lookout token revoke ID --db AGGREGATOR.db\n";

std::int64_t utc_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct TokenArgs {
  std::string role, name, division, enterprise, db, id;
};

/// Prints the token once; only its SHA-256 is stored.
int create(const TokenArgs& a) {
  const auto r = aggregator::role_from_string(a.role);
  if (!r) throw command_line::UsageError("--role must be regulator, officer, engineer or admin");
  if (const auto why = aggregator::check_token_scope(*r, a.division, a.enterprise); !why.empty()) {
    throw command_line::UsageError(why);
  }
  try {
    aggregator::SqliteStore store(a.db);
    const std::string secret = aggregator::new_token();
    const auto new_id = store.create_token(
        {0, a.name, std::string(aggregator::to_string(*r)), a.division, a.enterprise, utc_ms(), 0},
        aggregator::sha256_hex(secret));
    std::cerr << "token " << new_id << " (" << a.role << ", " << a.name << ") created; it is shown only now:\n";
    std::cout << secret << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout token: " << e.what() << "\n";
    return 1;
  }
}

int list(const TokenArgs& a) {
  try {
    aggregator::SqliteStore store(a.db);
    std::printf("%-5s %-20s %-10s %-10s %-16s %s\n", "id", "name", "role", "division", "enterprise", "state");
    for (const auto& t : store.tokens()) {
      std::printf("%-5lld %-20s %-10s %-10s %-16s %s\n", static_cast<long long>(t.id), t.name.c_str(),
                  t.role.c_str(), t.division.empty() ? "-" : t.division.c_str(),
                  t.enterprise.empty() ? "-" : t.enterprise.c_str(), t.revoked_ms == 0 ? "valid" : "revoked");
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout token: " << e.what() << "\n";
    return 1;
  }
}

int revoke(const TokenArgs& a) {
  std::int64_t n = 0;
  try {
    std::size_t used = 0;
    n = std::stoll(a.id, &used);
    if (used != a.id.size()) throw std::invalid_argument(a.id);
  } catch (const std::exception&) {
    throw command_line::UsageError("\"" + a.id + "\" is not a token id (see lookout token list)");
  }
  try {
    aggregator::SqliteStore store(a.db);
    if (!store.revoke_token(n, utc_ms())) {
      std::cerr << "lookout token revoke: no valid token " << n << "\n";
      return 1;
    }
    std::cout << "token " << n << " revoked\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout token: " << e.what() << "\n";
    return 1;
  }
}

void add_db(CLI::App& command, TokenArgs& a) {
  command.add_option("--db", a.db, "the aggregator's database (its [storage] path)")
      ->type_name("AGGREGATOR.db")
      ->required();
}

}  // namespace

void add_token(CLI::App& lookout) {
  auto* token = lookout.add_subcommand("token", "API tokens (printed once, stored as SHA-256)");
  command_line::set_usage(*token, USAGE);
  token->require_subcommand(1);
  auto args = std::make_shared<TokenArgs>();

  auto* c = token->add_subcommand("create", "a new token, printed once on stdout");
  command_line::set_usage(*c, CREATE_USAGE);
  c->add_option("--role", args->role, "what it may do: regulator, officer, engineer or admin")
      ->type_name("ROLE")
      ->required();
  c->add_option("--name", args->name, "who holds the token; it appears in the audit trail")->required();
  c->add_option("--division", args->division, "a regulator's division: 2, 4 or 6 digits (GB/T 2260)")
      ->type_name("CODE");
  c->add_option("--enterprise", args->enterprise, "an officer's enterprise")->type_name("ID");
  add_db(*c, *args);
  command_line::set_action(*c, [args] { return create(*args); });

  auto* l = token->add_subcommand("list", "every token: id, name, role, scope, valid or revoked");
  command_line::set_usage(*l, LIST_USAGE);
  add_db(*l, *args);
  command_line::set_action(*l, [args] { return list(*args); });

  auto* r = token->add_subcommand("revoke", "a token is refused from now on");
  command_line::set_usage(*r, REVOKE_USAGE);
  r->add_option("ID", args->id, "its id (lookout token list)")->required();
  add_db(*r, *args);
  command_line::set_action(*r, [args] { return revoke(*args); });
}

}  // namespace lookout::cli
