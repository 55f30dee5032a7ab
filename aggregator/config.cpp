#include "aggregator/config.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "firmware/config/toml_checker.hpp"

namespace lookout::aggregator {
namespace {

using config::TomlChecker;

constexpr std::array<std::pair<std::string_view, Level>, 4> LEVEL_KEYS{{
    {"blue", Level::blue}, {"yellow", Level::yellow}, {"orange", Level::orange}, {"red", Level::red}}};

Scope read_scope(TomlChecker& c, const toml::table& t, const std::string& where) {
  Scope s;
  if (auto v = c.string(t, where, "enterprise", false)) s.enterprise = *v;
  if (auto v = c.string(t, where, "site", false)) s.site = *v;
  if (auto v = c.string(t, where, "point", false)) s.point = *v;
  return s;
}

std::vector<LevelLine> read_lines(TomlChecker& c, const toml::table& t, const std::string& where, bool above,
                                  double deadband) {
  std::vector<LevelLine> out;
  c.only_keys(t, where, {"blue", "yellow", "orange", "red"});
  std::optional<double> previous;
  for (const auto& [key, level] : LEVEL_KEYS) {
    const auto v = c.number(t, where, key, false);
    if (!v) continue;
    if (previous && (above ? *v < *previous : *v > *previous)) {
      c.issue(*t.get(key), where + "." + std::string(key) + ": " + std::to_string(*v) + " must be " +
                               (above ? "at or above" : "at or below") + " the lower level's line");
    }
    previous = v;
    out.push_back({level, *v, above ? *v - deadband : *v + deadband});
  }
  std::sort(out.begin(), out.end(), [](const LevelLine& a, const LevelLine& b) { return a.level > b.level; });
  return out;
}

void read_http(TomlChecker& c, const toml::table& root, AggregatorConfig& cfg) {
  const toml::table* h = c.table(root, "", "http", false);
  if (h == nullptr) return;
  c.only_keys(*h, "http", {"listen", "rate", "burst"});
  if (auto v = c.number(*h, "http", "rate", false)) {
    if (*v <= 0) c.issue(*h->get("rate"), "http.rate: requests per second per client must be above 0");
    cfg.http_rate = *v;
  }
  if (auto v = c.integer(*h, "http", "burst", false, 1, 100000)) cfg.http_burst = static_cast<int>(*v);
  if (auto v = c.string(*h, "http", "listen", false)) {
    const auto colon = v->rfind(':');
    bool ok = colon != std::string::npos && colon > 0;
    if (ok) {
      std::string host = v->substr(0, colon);
      if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
      try {
        std::size_t used = 0;
        const int port = std::stoi(v->substr(colon + 1), &used);
        ok = used == v->size() - colon - 1 && port >= 0 && port <= 65535;
        cfg.http_host = host;
        cfg.http_port = port;
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) c.issue(*h->get("listen"), "http.listen: \"" + *v + "\" should look like 127.0.0.1:8080");
  }
}

bool six_digits(const std::string& s) {
  return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

void read_enterprises(TomlChecker& c, const toml::table& root, AggregatorConfig& cfg) {
  int i = 0;
  for (const toml::table* t : c.tables(root, "", "enterprises", false)) {
    const std::string where = "enterprises[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"id", "division", "sites"});
    EnterpriseEntry e;
    if (auto v = c.string(*t, where, "id", true)) {
      e.id = *v;
      for (const auto& other : cfg.enterprises) {
        if (other.id == e.id) c.issue(*t->get("id"), where + ".id: enterprise \"" + e.id + "\" is listed twice");
      }
    }
    if (auto v = c.string(*t, where, "division", true)) {
      if (!six_digits(*v)) {
        c.issue(*t->get("division"), where + ".division: \"" + *v +
                                         "\" is not a 6-digit administrative division code (GB/T 2260), "
                                         "e.g. \"430211\"");
      }
      e.division = *v;
    }
    if (const toml::table* s = c.table(*t, where, "sites", false)) {
      for (const auto& [key, node] : *s) {
        const std::string site(key.str());
        const auto* code = node.as_string();
        if (code == nullptr || !six_digits(code->get())) {
          c.issue(node, where + ".sites." + site + ": must be a 6-digit division code in quotes, e.g. \"430203\"");
          continue;
        }
        e.sites.emplace_back(site, code->get());
      }
    }
    cfg.enterprises.push_back(std::move(e));
  }
}

}  // namespace

int Scope::specificity() const {
  if (!point.empty()) return 3;
  if (!site.empty()) return 2;
  if (!enterprise.empty()) return 1;
  return 0;
}

bool Scope::matches(std::string_view e, std::string_view s, std::string_view p) const {
  return (enterprise.empty() || enterprise == e) && (site.empty() || site == s) && (point.empty() || point == p);
}

AggregatorConfig parse_aggregator_config(std::string_view text, const std::filesystem::path& file) {
  TomlChecker c(file.string());
  const toml::table root = c.parse(text);
  AggregatorConfig cfg;
  cfg.file = file;
  if (!c.ok()) c.throw_if_any();
  c.only_keys(root, "", {"mqtt", "http", "storage", "methane", "threshold", "enterprises"});

  if (const toml::table* m = c.table(root, "", "mqtt", true)) {
    c.only_keys(*m, "mqtt", {"uri", "client_id", "username", "password"});
    if (auto v = c.string(*m, "mqtt", "uri", true)) cfg.mqtt_uri = *v;
    if (auto v = c.string(*m, "mqtt", "client_id", false)) cfg.mqtt_client_id = *v;
    if (auto v = c.string(*m, "mqtt", "username", false)) cfg.mqtt_username = *v;
    if (auto v = c.string(*m, "mqtt", "password", false)) cfg.mqtt_password = *v;
  }
  read_http(c, root, cfg);
  if (const toml::table* s = c.table(root, "", "storage", true)) {
    c.only_keys(*s, "storage", {"path"});
    if (auto v = c.string(*s, "storage", "path", true)) {
      const std::filesystem::path p(*v);
      cfg.database = p.is_absolute() ? p : file.parent_path() / p;
    }
  }
  int i = 0;
  for (const toml::table* t : c.tables(root, "", "methane", false)) {
    const std::string where = "methane[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"enterprise", "site", "point", "location"});
    MethanePlacement m{read_scope(c, *t, where), MethaneLocation::working_face};
    if (auto v = c.string(*t, where, "location", true)) {
      if (auto l = methane_location_from_string(*v)) {
        m.location = *l;
      } else {
        c.issue(*t->get("location"), where + ".location: \"" + *v +
                                         "\" is not one of working_face, return_airway, intake_airway, "
                                         "drainage_roadway");
      }
    }
    cfg.methane.push_back(m);
  }
  i = 0;
  for (const toml::table* t : c.tables(root, "", "threshold", false)) {
    const std::string where = "threshold[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"enterprise", "site", "point", "quantity", "unit", "deadband", "above", "below"});
    ThresholdOverride o{read_scope(c, *t, where), "", {}};
    if (auto v = c.string(*t, where, "quantity", true)) o.quantity = *v;
    if (auto v = c.string(*t, where, "unit", true)) o.rule.unit = *v;
    double deadband = 0;
    if (auto v = c.number(*t, where, "deadband", false)) {
      if (*v < 0) c.issue(*t->get("deadband"), where + ".deadband: must not be negative");
      deadband = *v;
    }
    if (const toml::table* a = c.table(*t, where, "above", false)) {
      o.rule.above = read_lines(c, *a, where + ".above", true, deadband);
    }
    if (const toml::table* b = c.table(*t, where, "below", false)) {
      o.rule.below = read_lines(c, *b, where + ".below", false, deadband);
    }
    if (o.rule.above.empty() && o.rule.below.empty()) {
      c.issue(*t, where + ": needs at least one line in above = {...} or below = {...}");
    }
    o.rule.name = "config." + o.quantity;
    cfg.thresholds.push_back(std::move(o));
  }
  read_enterprises(c, root, cfg);
  c.throw_if_any();
  return cfg;
}

AggregatorConfig load_aggregator_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_aggregator_config(text.str(), file);
}

std::optional<ThresholdRule> rule_for(const AggregatorConfig& config, std::string_view enterprise,
                                      std::string_view site, std::string_view point, std::string_view quantity) {
  const ThresholdOverride* best = nullptr;
  for (const auto& o : config.thresholds) {
    if (o.quantity != quantity || !o.scope.matches(enterprise, site, point)) continue;
    if (best == nullptr || o.scope.specificity() > best->scope.specificity()) best = &o;
  }
  if (best != nullptr) return best->rule;
  if (quantity == "methane") {
    const MethanePlacement* place = nullptr;
    for (const auto& m : config.methane) {
      if (!m.scope.matches(enterprise, site, point)) continue;
      if (place == nullptr || m.scope.specificity() > place->scope.specificity()) place = &m;
    }
    return methane_rule(place != nullptr ? place->location : MethaneLocation::working_face);
  }
  return default_rule(quantity);
}

}  // namespace lookout::aggregator
