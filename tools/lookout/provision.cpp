// lookout provision GATEWAY --enterprise E --site S --passwd FILE --acl FILE, or
// lookout provision --aggregator --passwd FILE --acl FILE: MQTT credentials on a Mosquitto
// broker. The password goes into Mosquitto's password file through mosquitto_passwd (Debian
// package mosquitto: it writes the PBKDF2 hashes Mosquitto reads), on its standard input,
// never on a command line; the ACL entries (mqtt_acl.hpp) let a gateway publish only under
// its own up/ and subscribe only to its own down/, the aggregator's two users (listener and
// publisher, aggregator/mqtt_link.hpp) read every up/ and write the alarms and down/ack.
// A user that is another account's in either file is refused, never taken over. Prints the
// mosquitto.conf lines the broker needs (use_username_as_clientid: a login is its client
// id, so that no login can take over another's session) and what to put in the gateway's
// site file or the aggregator's configuration.
//
// Exit status: 0 done; 1 a file or mosquitto_passwd failed, or the user is another
// account's; 2 a bad command line.

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "tools/lookout/bus_options.hpp"
#include "tools/lookout/commands.hpp"
#include "tools/lookout/mqtt_acl.hpp"

extern char** environ;

namespace lookout::cli {

namespace {

constexpr const char* USAGE =
    "usage: lookout provision GATEWAY --enterprise E --site S --passwd FILE --acl FILE\n"
    "                         [--username NAME] [--password-file FILE]\n"
    "       lookout provision --aggregator --passwd FILE --acl FILE\n"
    "                         [--username NAME] [--password-file FILE]\n";

// aggregator/config.hpp's default client_id: one name for the login and the session
constexpr const char* AGGREGATOR_USER = "lookout-aggregator";

// 24 characters of 64 symbols: 144 bits
constexpr std::size_t PASSWORD_LENGTH = 24;

std::string random_password() {
  static constexpr char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  unsigned char bytes[PASSWORD_LENGTH];
  if (!urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes)) {
    throw std::runtime_error("cannot read /dev/urandom");
  }
  std::string pw;
  for (const auto b : bytes) pw += ALPHABET[b % 64];
  return pw;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Writes `text` next to `file` and renames it over: a reader never sees half a file.
void replace_file(const std::filesystem::path& file, const std::string& text) {
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text) || !out.flush()) throw std::runtime_error(tmp + ": cannot write");
  }
  std::filesystem::rename(tmp, file);
}

/// mosquitto_passwd FILE USER, the password twice on its standard input (it asks twice).
void set_password(const std::filesystem::path& passwd, const std::string& user, const std::string& password) {
  if (!std::filesystem::exists(passwd)) {
    // The file holds hashes: readable by its owner (and the broker, set by the operator) only.
    const int fd = ::open(passwd.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw std::runtime_error(passwd.string() + ": cannot create: " + std::strerror(errno));
    ::close(fd);
  }
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  // its prompts ("Password:") are not for our user: they go nowhere
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  std::string prog = "mosquitto_passwd";
  std::string file = passwd.string();
  std::string name = user;
  char* argv[] = {prog.data(), file.data(), name.data(), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, prog.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  if (rc != 0) {
    ::close(in[1]);
    throw std::runtime_error("cannot run mosquitto_passwd (Debian package mosquitto): " + std::string(std::strerror(rc)));
  }
  const std::string twice = password + "\n" + password + "\n";
  const auto sig = std::signal(SIGPIPE, SIG_IGN);
  const auto written = ::write(in[1], twice.data(), twice.size());
  std::signal(SIGPIPE, sig);
  ::close(in[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (written != static_cast<ssize_t>(twice.size()) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("mosquitto_passwd " + passwd.string() + " " + user + " failed (status " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ")");
  }
}

struct ProvisionArgs {
  GatewayAccount account;
  bool aggregator = false;
  std::string passwd_file;
  std::string acl_file;
  std::string password_file;
};

/// The users to write, from a checked command line.
std::vector<AclAccount> accounts_of(ProvisionArgs& args) {
  auto& account = args.account;
  if (args.aggregator) {
    if (!account.gateway.empty() || !account.enterprise.empty() || !account.site.empty()) {
      throw UsageError("--aggregator takes no GATEWAY, --enterprise or --site");
    }
  } else {
    if (account.gateway.empty()) throw UsageError("which GATEWAY? (or --aggregator)");
    for (const auto& [what, id] : {std::pair<std::string, std::string>{"GATEWAY", account.gateway},
                                   {"--enterprise", account.enterprise},
                                   {"--site", account.site}}) {
      if (const auto problem = topic_id_problem(id)) throw UsageError(what + " \"" + id + "\": " + *problem);
    }
  }
  if (args.passwd_file.empty() || args.acl_file.empty()) throw UsageError("--passwd FILE and --acl FILE are required");
  if (account.username.empty()) {
    account.username =
        args.aggregator ? AGGREGATOR_USER : account.enterprise + "." + account.site + "." + account.gateway;
  } else if (const auto problem = username_problem(account.username)) {
    throw UsageError("--username \"" + account.username + "\": " + *problem);
  }
  if (args.aggregator) return aggregator_acl(account.username);
  return {gateway_acl(account)};
}

/// Throws when a user of `accounts` belongs to another account: its ACL entry names
/// another owner or was written by hand, or it has a password but no entry of ours.
void refuse_others(const std::vector<AclAccount>& accounts, const std::string& passwd, const std::string& acl,
                   const ProvisionArgs& args) {
  for (const auto& a : accounts) {
    const auto owner = acl_owner(acl, a.username);
    std::string whose;
    if (owner && owner->empty()) {
      whose = args.acl_file + ": written by hand";
    } else if (owner && *owner != a.owner) {
      whose = args.acl_file + ": " + *owner;
    } else if (!owner && has_password(passwd, a.username)) {
      whose = "in " + args.passwd_file + ", no entry in " + args.acl_file;
    } else {
      continue;
    }
    throw std::runtime_error("user " + a.username + " is another account's (" + whose +
                             "); left alone: choose another --username, or remove that user from both files first");
  }
}

/// "  user NAME in FILE, its entry in ACL:" and what it may do, per user.
void print_accounts(const std::vector<AclAccount>& accounts, const ProvisionArgs& args) {
  for (const auto& a : accounts) {
    std::cout << "  user " << a.username << " in " << args.passwd_file << ", its entry in " << args.acl_file << ":\n";
    for (const auto& rule : a.rules) {
      if (rule.starts_with("topic write ")) std::cout << "    may publish   " << rule.substr(12) << "\n";
      if (rule.starts_with("topic read ")) std::cout << "    may subscribe " << rule.substr(11) << "\n";
    }
  }
}

/// The mosquitto.conf lines the files need (docs/operations.md "Broker access").
void print_broker_settings(const ProvisionArgs& args) {
  const auto absolute = [](const std::string& f) { return std::filesystem::absolute(f).lexically_normal().string(); };
  std::cout << "In mosquitto.conf, once:\n"
            << "allow_anonymous false\n"
            << "password_file " << absolute(args.passwd_file) << "\n"
            << "acl_file " << absolute(args.acl_file) << "\n"
            << "and after every listener line that gateways and the aggregator use (each login is then its\n"
            << "client id, so that no login can take over another's session):\n"
            << "use_username_as_clientid true\n"
            << "Restart the broker once after adding use_username_as_clientid (a reload does not apply it);\n"
            << "after provisioning, reload it (SIGHUP, or systemctl reload mosquitto).\n";
}

int provision(ProvisionArgs args) {
  const auto accounts = accounts_of(args);
  const auto& account = args.account;
  const auto& password_file = args.password_file;
  try {
    std::string password;
    if (password_file.empty()) {
      password = random_password();
    } else {
      password = read_text(password_file);
      if (const auto nl = password.find_first_of("\r\n"); nl != std::string::npos) password.resize(nl);
      if (password.empty()) throw std::runtime_error(password_file + ": the first line is empty");
    }
    const std::string passwd =
        std::filesystem::exists(args.passwd_file) ? read_text(args.passwd_file) : std::string();
    std::string acl = std::filesystem::exists(args.acl_file) ? read_text(args.acl_file) : std::string();
    refuse_others(accounts, passwd, acl, args);
    for (const auto& a : accounts) {
      set_password(args.passwd_file, a.username, password);
      acl = upsert_acl(acl, a);
    }
    replace_file(args.acl_file, acl);

    if (args.aggregator) {
      std::cout << "aggregator " << account.username << " (two sessions, one user each, the same password):\n";
    } else {
      std::cout << "gateway " << account.gateway << " of " << account.enterprise << "/" << account.site << ":\n";
    }
    print_accounts(accounts, args);
    print_broker_settings(args);
    std::cout << (args.aggregator ? "In the aggregator's configuration:\n" : "In the gateway's site file:\n")
              << "[mqtt]\n"
              << "username = \"" << account.username << "\"\n";
    if (password_file.empty()) {
      std::cout << "password = \"" << password << "\"\n";
    } else {
      std::cout << "password = (the first line of " << password_file << ")\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout provision: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

void add_provision(CLI::App& lookout) {
  auto* command = lookout.add_subcommand(
      "provision",
      "MQTT credentials: the gateway may publish only its own up/ and subscribe only to its own down/; the "
      "aggregator's two users read every up/ and publish the alarms and down/ack; each login is its client id "
      "(docs/operations.md)");
  command_line::set_usage(*command, USAGE);
  auto args = std::make_shared<ProvisionArgs>();
  auto& account = args->account;
  command->add_option("GATEWAY", account.gateway, "the gateway's id ([gateway] id of its site file)");
  command->add_option("--enterprise", account.enterprise, "its enterprise")->type_name("E");
  command->add_option("--site", account.site, "its site")->type_name("S");
  command->add_flag("--aggregator", args->aggregator,
                    "the aggregator's users instead of a gateway's: NAME (its listener) and NAME-alarms (its "
                    "publisher)");
  command->add_option("--passwd", args->passwd_file, "the broker's password file (made if missing)")
      ->type_name("FILE");
  command->add_option("--acl", args->acl_file, "the broker's ACL file (made if missing)")->type_name("FILE");
  command->add_option("--username", account.username,
                      "the MQTT user (default ENTERPRISE.SITE.GATEWAY; with --aggregator, lookout-aggregator)")
      ->type_name("NAME");
  command->add_option("--password-file", args->password_file,
                      "the password: this file's first line (default: a new random one, printed)")
      ->type_name("FILE");
  command_line::set_action(*command, [args] { return provision(*args); });
}

}  // namespace lookout::cli
