#pragma once
// Reads a TOML configuration and checks it, collecting every problem at once, each with
// file, line, column and what to do about it. Shared by the site file and the aggregator's
// configuration. No file I/O here: the caller hands in the text.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace lookout::config {

struct ConfigIssue {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  /// "file:line:column: message"
  std::string str() const;
};

/// Thrown by loaders when a file has problems; what() lists them all, one a line.
class ConfigErrors : public std::runtime_error {
 public:
  explicit ConfigErrors(std::vector<ConfigIssue> issues);
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};

class TomlChecker {
 public:
  explicit TomlChecker(std::string file);

  /// Parses the text; a syntax error is recorded and an empty table returned.
  toml::table parse(std::string_view text);

  /// Records an issue at a node's position.
  void issue(const toml::node& at, std::string message);
  void issue(const toml::source_region& at, std::string message);

  /// Records each key of `t` that is not in `allowed` (typos), suggesting the nearest one.
  void only_keys(const toml::table& t, std::string_view where, std::initializer_list<std::string_view> allowed);

  /// Typed look-ups: a missing required key or a wrong type is recorded, nullopt returned.
  std::optional<std::string> string(const toml::table& t, std::string_view where, std::string_view key,
                                    bool required);
  std::optional<std::int64_t> integer(const toml::table& t, std::string_view where, std::string_view key,
                                      bool required, std::int64_t min, std::int64_t max);
  std::optional<double> number(const toml::table& t, std::string_view where, std::string_view key, bool required);
  std::optional<bool> boolean(const toml::table& t, std::string_view where, std::string_view key, bool required);
  /// An array of strings, each with its node so a problem can be named at its element.
  struct StringItem {
    std::string value;
    const toml::node* node;
  };
  std::optional<std::vector<StringItem>> strings(const toml::table& t, std::string_view where, std::string_view key,
                                                 bool required);
  /// An array of tables (`[[name]]`); a missing key gives an empty list (recorded if required).
  std::vector<const toml::table*> tables(const toml::table& t, std::string_view where, std::string_view key,
                                         bool required);
  /// A sub-table (`[name]`), or nullptr.
  const toml::table* table(const toml::table& t, std::string_view where, std::string_view key, bool required);

  bool ok() const { return issues_.empty(); }
  const std::vector<ConfigIssue>& issues() const { return issues_; }
  /// Throws ConfigErrors when any issue was recorded.
  void throw_if_any() const;

 private:
  void missing(const toml::table& t, std::string_view where, std::string_view key, std::string_view what);

  std::string file_;
  std::vector<ConfigIssue> issues_;
};

}  // namespace lookout::config
