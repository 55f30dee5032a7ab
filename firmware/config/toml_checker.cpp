#include "firmware/config/toml_checker.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace lookout::config {
namespace {

std::string join_issues(const std::vector<ConfigIssue>& issues) {
  std::string out;
  for (const auto& i : issues) {
    if (!out.empty()) out += '\n';
    out += i.str();
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string type_name(const toml::node& n) {
  std::ostringstream os;
  os << n.type();
  return os.str();
}

std::string key_path(std::string_view where, std::string_view key) {
  return where.empty() ? std::string(key) : std::string(where) + "." + std::string(key);
}

}  // namespace

std::string ConfigIssue::str() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

ConfigErrors::ConfigErrors(std::vector<ConfigIssue> issues)
    : std::runtime_error(join_issues(issues)), issues_(std::move(issues)) {}

TomlChecker::TomlChecker(std::string file) : file_(std::move(file)) {}

toml::table TomlChecker::parse(std::string_view text) {
  try {
    return toml::parse(text, file_);
  } catch (const toml::parse_error& e) {
    issue(e.source(), std::string("TOML syntax: ") + std::string(e.description()));
    return {};
  }
}

void TomlChecker::issue(const toml::source_region& at, std::string message) {
  issues_.push_back({file_, static_cast<int>(at.begin.line), static_cast<int>(at.begin.column), std::move(message)});
}

void TomlChecker::issue(const toml::node& at, std::string message) { issue(at.source(), std::move(message)); }

void TomlChecker::missing(const toml::table& t, std::string_view where, std::string_view key, std::string_view what) {
  issue(t, key_path(where, key) + ": missing (" + std::string(what) + ")");
}

void TomlChecker::only_keys(const toml::table& t, std::string_view where,
                            std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : t) {
    const std::string_view key = k.str();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string_view best;
    std::size_t best_d = 3;  // suggest only close matches
    for (const auto a : allowed) {
      const auto d = edit_distance(key, a);
      if (d < best_d) {
        best_d = d;
        best = a;
      }
    }
    std::string msg = key_path(where, key) + ": unknown key";
    if (!best.empty()) msg += "; did you mean \"" + std::string(best) + "\"?";
    issue(k.source(), msg);
  }
}

std::optional<std::string> TomlChecker::string(const toml::table& t, std::string_view where, std::string_view key,
                                               bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) missing(t, where, key, "a string");
    return std::nullopt;
  }
  if (const auto* s = n->as_string()) return s->get();
  issue(*n, key_path(where, key) + ": expected a string, found " + type_name(*n));
  return std::nullopt;
}

std::optional<std::int64_t> TomlChecker::integer(const toml::table& t, std::string_view where, std::string_view key,
                                                 bool required, std::int64_t min, std::int64_t max) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) missing(t, where, key, "an integer");
    return std::nullopt;
  }
  const auto* i = n->as_integer();
  if (i == nullptr) {
    issue(*n, key_path(where, key) + ": expected an integer, found " + type_name(*n));
    return std::nullopt;
  }
  const std::int64_t v = i->get();
  if (v < min || v > max) {
    issue(*n, key_path(where, key) + ": " + std::to_string(v) + " is outside " + std::to_string(min) + ".." +
                  std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<double> TomlChecker::number(const toml::table& t, std::string_view where, std::string_view key,
                                          bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) missing(t, where, key, "a number");
    return std::nullopt;
  }
  if (const auto* f = n->as_floating_point()) {
    // TOML has nan and inf; no setting means either (a line at nan is a line never crossed).
    if (std::isfinite(f->get())) return f->get();
    issue(*n, key_path(where, key) + ": expected a finite number, found " + (std::isnan(f->get()) ? "nan" : "inf"));
    return std::nullopt;
  }
  if (const auto* i = n->as_integer()) return static_cast<double>(i->get());
  issue(*n, key_path(where, key) + ": expected a number, found " + type_name(*n));
  return std::nullopt;
}

std::optional<bool> TomlChecker::boolean(const toml::table& t, std::string_view where, std::string_view key,
                                         bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) missing(t, where, key, "true or false");
    return std::nullopt;
  }
  if (const auto* b = n->as_boolean()) return b->get();
  issue(*n, key_path(where, key) + ": expected true or false, found " + type_name(*n));
  return std::nullopt;
}

std::optional<std::vector<TomlChecker::StringItem>> TomlChecker::strings(const toml::table& t, std::string_view where,
                                                                         std::string_view key, bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) missing(t, where, key, "a list of strings, [\"a\", \"b\"]");
    return std::nullopt;
  }
  const auto* arr = n->as_array();
  if (arr == nullptr) {
    issue(*n, key_path(where, key) + ": expected a list of strings, found " + type_name(*n));
    return std::nullopt;
  }
  std::vector<StringItem> out;
  bool all = true;
  for (const auto& e : *arr) {
    if (const auto* s = e.as_string()) {
      out.push_back({s->get(), &e});
    } else {
      issue(e, key_path(where, key) + ": expected a string, found " + type_name(e));
      all = false;
    }
  }
  if (!all) return std::nullopt;
  return out;
}

std::vector<const toml::table*> TomlChecker::tables(const toml::table& t, std::string_view where,
                                                    std::string_view key, bool required) {
  std::vector<const toml::table*> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) missing(t, where, key, "at least one [[" + key_path(where, key) + "]] table");
    return out;
  }
  const auto* arr = n->as_array();
  if (arr == nullptr) {
    issue(*n, key_path(where, key) + ": expected [[" + std::string(key) + "]] tables, found " + type_name(*n));
    return out;
  }
  for (const auto& e : *arr) {
    if (const auto* tt = e.as_table()) {
      out.push_back(tt);
    } else {
      issue(e, key_path(where, key) + ": expected a table, found " + type_name(e));
    }
  }
  return out;
}

const toml::table* TomlChecker::table(const toml::table& t, std::string_view where, std::string_view key,
                                      bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr) {
    if (required) missing(t, where, key, "a [" + key_path(where, key) + "] table");
    return nullptr;
  }
  if (const auto* tt = n->as_table()) return tt;
  issue(*n, key_path(where, key) + ": expected a table, found " + type_name(*n));
  return nullptr;
}

void TomlChecker::throw_if_any() const {
  if (!issues_.empty()) throw ConfigErrors(issues_);
}

}  // namespace lookout::config
