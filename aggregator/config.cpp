#include "aggregator/config.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "aggregator/notify/read_settings.hpp"
#include "aggregator/rules/defaults.hpp"
#include "firmware/config/endpoint.hpp"
#include "firmware/config/toml_checker.hpp"
#include "firmware/methane_standard.hpp"

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
  c.only_keys(*h, "http", {"listen", "rate", "burst", "max_connections", "max_connections_per_client"});
  if (auto v = c.number(*h, "http", "rate", false)) {
    if (*v <= 0) c.issue(*h->get("rate"), "http.rate: requests per second per client must be above 0");
    cfg.http_rate = *v;
  }
  if (auto v = c.integer(*h, "http", "burst", false, 1, 100000)) cfg.http_burst = static_cast<int>(*v);
  if (auto v = c.integer(*h, "http", "max_connections", false, 1, 100000)) {
    cfg.http_max_connections = static_cast<int>(*v);
  }
  if (auto v = c.integer(*h, "http", "max_connections_per_client", false, 1, 100000)) {
    cfg.http_max_connections_per_client = static_cast<int>(*v);
  }
  if (auto v = c.string(*h, "http", "listen", false)) {
    // An address of this machine to bind, so a number, not a name; port 0: any free one.
    if (const auto hp = config::parse_host_port(*v, {.min_port = 0, .names = false}); hp.value) {
      cfg.http_host = hp.value->host;
      cfg.http_port = hp.value->port;
    } else {
      c.issue(*h->get("listen"), "http.listen: \"" + *v + "\": " + hp.problem + " (e.g. 127.0.0.1:8080)");
    }
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

std::optional<Level> read_level(TomlChecker& c, const toml::table& t, const std::string& where, std::string_view key,
                                bool allow_normal = false) {
  const auto v = c.string(t, where, key, false);
  if (!v) return std::nullopt;
  const auto l = wire::level_from_string(*v);
  if (!l || (!allow_normal && *l == Level::normal)) {
    c.issue(*t.get(key), where + "." + std::string(key) + ": \"" + *v + "\" is not one of " +
                             (allow_normal ? "normal, " : "") + "blue, yellow, orange, red");
    return std::nullopt;
  }
  return l;
}

/// A duration given in `unit_ms` units (seconds, hours); must be > 0 unless zero_ok.
std::optional<std::int64_t> read_duration(TomlChecker& c, const toml::table& t, const std::string& where,
                                          std::string_view key, double unit_ms, bool zero_ok) {
  const auto v = c.number(t, where, key, false);
  if (!v) return std::nullopt;
  if (*v < 0 || (!zero_ok && *v == 0) || *v > 1e7) {
    c.issue(*t.get(key), where + "." + std::string(key) + ": " + std::to_string(*v) + " is out of range (" +
                             (zero_ok ? ">= 0" : "> 0") + ")");
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*v * unit_ms);
}

/// `deadband`, `above` and `below` of a rule on some figure, into `rule`; false when no line.
bool read_line_tables(TomlChecker& c, const toml::table& t, const std::string& where, ThresholdRule& rule) {
  double deadband = 0;
  if (auto v = c.number(t, where, "deadband", false)) {
    if (*v < 0) c.issue(*t.get("deadband"), where + ".deadband: must not be negative");
    deadband = *v;
  }
  if (const toml::table* a = c.table(t, where, "above", false)) rule.above = read_lines(c, *a, where + ".above", true, deadband);
  if (const toml::table* b = c.table(t, where, "below", false)) rule.below = read_lines(c, *b, where + ".below", false, deadband);
  return !rule.above.empty() || !rule.below.empty();
}

std::string quantity_of(TomlChecker& c, const toml::table& t, const std::string& where) {
  return c.string(t, where, "quantity", true).value_or("");
}

template <typename T>
const T* most_specific(const std::vector<T>& list, std::string_view e, std::string_view s, std::string_view p,
                       std::string_view quantity) {
  const T* best = nullptr;
  for (const auto& o : list) {
    if (o.quantity != quantity || !o.scope.matches(e, s, p)) continue;
    if (best == nullptr || o.scope.specificity() > best->scope.specificity()) best = &o;
  }
  return best;
}

void read_rules(TomlChecker& c, const toml::table& root, AggregatorConfig& cfg) {
  constexpr double S = 1000.0;
  constexpr double H = 3'600'000.0;
  int i = 0;
  for (const toml::table* t : c.tables(root, "", "rate", false)) {
    const std::string where = "rate[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"enterprise", "site", "point", "quantity", "unit", "enabled", "window_h", "per",
                            "min_span_h", "deadband", "above", "below", "accelerating_from"});
    RateOverride o{read_scope(c, *t, where), quantity_of(c, *t, where), true, {}};
    o.enabled = c.boolean(*t, where, "enabled", false).value_or(true);
    o.rule.name = "config.rate." + o.quantity;
    o.rule.window_ms = read_duration(c, *t, where, "window_h", H, false).value_or(DAY_MS);
    o.rule.min_span_ms = read_duration(c, *t, where, "min_span_h", H, true).value_or(o.rule.window_ms / 2);
    if (auto per = c.string(*t, where, "per", false)) {
      if (*per == "d") {
        o.rule.per_ms = DAY_MS;
      } else if (*per == "h") {
        o.rule.per_ms = HOUR_MS;
      } else {
        c.issue(*t->get("per"), where + ".per: \"" + *per + "\" is not \"d\" (per day) or \"h\" (per hour)");
      }
    }
    o.rule.accelerating_from = read_level(c, *t, where, "accelerating_from").value_or(Level::normal);
    if (o.enabled) {
      if (auto u = c.string(*t, where, "unit", true)) o.rule.unit = *u;
      if (!read_line_tables(c, *t, where, o.rule.lines)) {
        c.issue(*t, where + ": needs at least one line in above = {...} or below = {...}");
      }
    }
    o.rule.lines.name = o.rule.name;
    o.rule.lines.unit = o.rule.unit;
    cfg.rates.push_back(std::move(o));
  }
  i = 0;
  for (const toml::table* t : c.tables(root, "", "tangent_angle", false)) {
    const std::string where = "tangent_angle[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"enterprise", "site", "point", "quantity", "unit", "uniform_rate", "window_h",
                            "min_span_h", "angles"});
    TangentAngleOverride o{read_scope(c, *t, where), quantity_of(c, *t, where), {}};
    o.rule.name = "config.tangent_angle." + o.quantity;
    if (auto u = c.string(*t, where, "unit", true)) o.rule.unit = *u;
    if (auto v = c.number(*t, where, "uniform_rate", true)) {
      if (!(*v > 0)) c.issue(*t->get("uniform_rate"), where + ".uniform_rate: must be > 0 [unit/d]");
      o.rule.uniform_rate = *v;
    }
    o.rule.window_ms = read_duration(c, *t, where, "window_h", H, false).value_or(DAY_MS);
    o.rule.min_span_ms = read_duration(c, *t, where, "min_span_h", H, true).value_or(o.rule.window_ms / 2);
    o.rule.lines = default_tangent_angle_lines();
    if (const toml::table* a = c.table(*t, where, "angles", false)) {
      o.rule.lines.above = read_lines(c, *a, where + ".angles", true, 0);
      for (const auto& l : o.rule.lines.above) {
        if (l.on < 0 || l.on >= 90) c.issue(*a, where + ".angles: each angle must be in [0, 90) deg");
      }
    }
    o.rule.lines.name = o.rule.name;
    cfg.tangent_angles.push_back(std::move(o));
  }
  i = 0;
  for (const toml::table* t : c.tables(root, "", "accumulation", false)) {
    const std::string where = "accumulation[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"enterprise", "site", "point", "quantity", "unit", "window_h", "deadband", "above"});
    AccumulationOverride o{read_scope(c, *t, where), quantity_of(c, *t, where), {}};
    if (auto u = c.string(*t, where, "unit", true)) o.rule.unit = *u;
    o.rule.window_ms = read_duration(c, *t, where, "window_h", H, false).value_or(DAY_MS);
    o.rule.name = "config.accumulation." + o.quantity + "." + std::to_string(o.rule.window_ms / HOUR_MS) + "h";
    if (!read_line_tables(c, *t, where, o.rule.lines)) c.issue(*t, where + ": needs above = {...}");
    o.rule.lines.name = o.rule.name;
    o.rule.lines.unit = o.rule.unit;
    cfg.accumulations.push_back(std::move(o));
  }
  i = 0;
  for (const toml::table* t : c.tables(root, "", "comm_loss", false)) {
    const std::string where = "comm_loss[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"enterprise", "site", "point", "multiple", "poll_period_s", "default_period_s",
                            "min_timeout_s", "level"});
    CommLossOverride o{read_scope(c, *t, where), {}, {}, {}, {}, {}};
    if (auto v = c.number(*t, where, "multiple", false)) {
      if (*v < 1 || *v > 1000) c.issue(*t->get("multiple"), where + ".multiple: must be in [1, 1000] poll periods");
      o.multiple = v;
    }
    o.period_ms = read_duration(c, *t, where, "poll_period_s", S, false);
    o.default_period_ms = read_duration(c, *t, where, "default_period_s", S, false);
    o.min_timeout_ms = read_duration(c, *t, where, "min_timeout_s", S, true);
    o.level = read_level(c, *t, where, "level");
    cfg.comm_loss.push_back(o);
  }
  if (const toml::table* f = c.table(root, "", "sensor_fault", false)) {
    c.only_keys(*f, "sensor_fault", {"level"});
    cfg.sensor_fault_level = read_level(c, *f, "sensor_fault", "level").value_or(cfg.sensor_fault_level);
  }
  if (const toml::table* r = c.table(root, "", "rollup", false)) {
    c.only_keys(*r, "rollup", {"blue_make_yellow", "yellow_make_orange", "orange_make_red"});
    const auto count = [&](std::string_view key, int fallback) {
      return static_cast<int>(c.integer(*r, "rollup", key, false, 0, 10000).value_or(fallback));
    };
    cfg.rollup = {count("blue_make_yellow", 4), count("yellow_make_orange", 3), count("orange_make_red", 2)};
  }
  if (const toml::table* r = c.table(root, "", "retention", false)) {
    c.only_keys(*r, "retention", {"raw_days", "hourly_days"});
    cfg.retention.raw_days = static_cast<int>(c.integer(*r, "retention", "raw_days", false, 1, 36500).value_or(90));
    cfg.retention.hourly_days =
        static_cast<int>(c.integer(*r, "retention", "hourly_days", false, 1, 36500).value_or(730));
  }
  i = 0;
  for (const toml::table* t : c.tables(root, "", "derived", false)) {
    const std::string where = "derived[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"enterprise", "site", "point", "kind", "inputs", "elevation", "beach_slope",
                            "design_min", "yellow", "blue", "deadband", "below"});
    DerivedPoint d;
    d.enterprise = c.string(*t, where, "enterprise", true).value_or("");
    d.site = c.string(*t, where, "site", true).value_or("");
    if (auto v = c.string(*t, where, "point", true)) {
      if (!wire::is_valid_point_id(*v)) c.issue(*t->get("point"), where + ".point: \"" + *v + "\" is not of the form device.channel");
      d.rule.point = *v;
    }
    if (auto v = c.string(*t, where, "kind", true)) {
      if (auto k = derived_kind_from_string(*v)) {
        d.rule.kind = *k;
      } else {
        c.issue(*t->get("kind"), where + ".kind: \"" + *v + "\" is not one of phreatic_depth, freeboard, dry_beach_length");
      }
    }
    if (const auto* node = t->get("inputs"); node == nullptr) {
      c.issue(*t, where + ".inputs: missing; the points giving the water's elevation [m], e.g. [\"rl-1.level\"]");
    } else if (const auto* arr = node->as_array(); arr == nullptr || arr->empty()) {
      c.issue(*node, where + ".inputs: expected a non-empty array of point ids");
    } else {
      for (const auto& e : *arr) {
        const auto* str = e.as_string();
        if (str == nullptr || !wire::is_valid_point_id(str->get())) {
          c.issue(e, where + ".inputs: each entry must be a point id \"device.channel\"");
        } else {
          d.rule.inputs.push_back(str->get());
        }
      }
    }
    if (auto v = c.number(*t, where, "elevation", true)) d.rule.elevation = *v;
    if (auto v = c.number(*t, where, "beach_slope", d.rule.kind == DerivedKind::dry_beach_length)) {
      if (!(*v > 0)) c.issue(*t->get("beach_slope"), where + ".beach_slope: must be > 0 [m/m]");
      d.rule.beach_slope = *v;
    }
    const auto design_min = c.number(*t, where, "design_min", false);
    if (design_min) {
      d.rule.lines = derived_lines(d.rule.kind, *design_min, c.number(*t, where, "yellow", false).value_or(0),
                                   c.number(*t, where, "blue", false).value_or(0));
    } else if (!read_line_tables(c, *t, where, d.rule.lines)) {
      c.issue(*t, where + ": needs design_min = ... (the design minimum [m]) or below = {...}");
    }
    d.rule.lines.name = "derived." + std::string(to_string(d.rule.kind));
    d.rule.lines.unit = "m";
    cfg.derived.push_back(std::move(d));
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
  c.only_keys(root, "", {"mqtt", "http", "storage", "methane", "threshold", "rate", "tangent_angle", "accumulation",
                         "comm_loss", "sensor_fault", "rollup", "retention", "derived", "enterprises",
                         "notify", "webhook", "command_hook"});

  if (const toml::table* m = c.table(root, "", "mqtt", true)) {
    c.only_keys(*m, "mqtt", {"uri", "client_id", "username", "password"});
    if (auto v = c.string(*m, "mqtt", "uri", true)) {
      cfg.mqtt_uri = *v;
      if (const auto problem = config::mqtt_uri_problem(*v); !problem.empty()) {
        c.issue(*m->get("uri"), "mqtt.uri: \"" + *v + "\": " + problem);
      }
    }
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
        c.issue(*t->get("location"), where + ".location: \"" + *v + "\" is not one of " +
                                         std::string(firmware::METHANE_LOCATION_NAMES));
      }
    }
    cfg.methane.push_back(m);
  }
  i = 0;
  for (const toml::table* t : c.tables(root, "", "threshold", false)) {
    const std::string where = "threshold[" + std::to_string(i++) + "]";
    c.only_keys(*t, where, {"enterprise", "site", "point", "quantity", "unit", "deadband", "above", "below",
                            "on_delay_s", "off_delay_s", "latch", "warning", "guarantee"});
    ThresholdOverride o{read_scope(c, *t, where), "", {}, {}, Level::normal, false};
    if (auto v = c.string(*t, where, "quantity", true)) o.quantity = *v;
    if (auto v = c.string(*t, where, "unit", true)) o.rule.unit = *v;
    o.delays.on_ms = read_duration(c, *t, where, "on_delay_s", 1000.0, true).value_or(0);
    o.delays.off_ms = read_duration(c, *t, where, "off_delay_s", 1000.0, true).value_or(0);
    if (o.delays.on_ms > 0 && (o.quantity == "methane" || default_rule(o.quantity))) {
      // standards.md "Gas": gas alarms act on the first valid reading over the line.
      c.issue(*t->get("on_delay_s"), where + ".on_delay_s: a gas alarm (" + o.quantity +
                                         ") takes no on-delay: it acts on the first valid reading over the line");
    }
    if (t->get("latch") != nullptr) {
      o.latch_set = true;
      o.latch_at = read_level(c, *t, where, "latch", true).value_or(Level::normal);
    }
    const auto warning = c.number(*t, where, "warning", false);
    const auto guarantee = c.number(*t, where, "guarantee", false);
    if (warning || guarantee) {
      // A hydrology station's warning and guarantee levels give all four lines.
      if (!warning || !guarantee || *guarantee < *warning) {
        c.issue(*t, where + ": warning and guarantee go together, guarantee >= warning [m]");
      } else {
        o.rule.above = water_level_lines(*warning, *guarantee).above;
      }
      if (t->get("above") != nullptr) c.issue(*t->get("above"), where + ".above: give either above or warning/guarantee");
    } else if (!read_line_tables(c, *t, where, o.rule)) {
      c.issue(*t, where + ": needs at least one line in above = {...} or below = {...}");
    }
    o.rule.name = "config." + o.quantity;
    cfg.thresholds.push_back(std::move(o));
  }
  read_enterprises(c, root, cfg);
  read_rules(c, root, cfg);
  notify::read_notify_settings(c, root, cfg.notify, file.parent_path());
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

namespace lookout::aggregator {

PointRules point_rules_for(const AggregatorConfig& config, std::string_view enterprise, std::string_view site,
                           std::string_view point, std::string_view quantity) {
  PointRules p = default_point_rules(quantity);
  if (const auto rule = rule_for(config, enterprise, site, point, quantity)) {
    ThresholdSpec spec{*rule, {}, p.threshold ? p.threshold->latch_at : Level::normal};
    if (const auto* o = most_specific(config.thresholds, enterprise, site, point, quantity)) {
      spec.delays = o->delays;
      if (o->latch_set) spec.latch_at = o->latch_at;
    }
    p.threshold = spec;
  }
  if (const auto* o = most_specific(config.rates, enterprise, site, point, quantity)) {
    p.rate = o->enabled ? std::optional<RateRule>(o->rule) : std::nullopt;
  }
  if (const auto* o = most_specific(config.tangent_angles, enterprise, site, point, quantity)) p.tangent_angle = o->rule;
  // Accumulation windows: the most specific entry per window length replaces or adds.
  std::map<std::int64_t, std::pair<int, AccumulationRule>> windows;
  for (const auto& a : p.accumulations) windows[a.window_ms] = {-1, a};
  for (const auto& o : config.accumulations) {
    if (o.quantity != quantity || !o.scope.matches(enterprise, site, point)) continue;
    auto& slot = windows[o.rule.window_ms];
    if (slot.second.name.empty() || o.scope.specificity() > slot.first) slot = {o.scope.specificity(), o.rule};
  }
  p.accumulations.clear();
  for (const auto& [w, a] : windows) p.accumulations.push_back(a.second);
  // Comm loss: field by field, from the least specific entry to the most.
  std::vector<const CommLossOverride*> comm;
  for (const auto& o : config.comm_loss) {
    if (o.scope.matches(enterprise, site, point)) comm.push_back(&o);
  }
  std::stable_sort(comm.begin(), comm.end(), [](const auto* a, const auto* b) {
    return a->scope.specificity() < b->scope.specificity();
  });
  for (const auto* o : comm) {
    if (o->multiple) p.comm.multiple = *o->multiple;
    if (o->period_ms) p.comm.period_ms = o->period_ms;
    if (o->default_period_ms) p.comm.default_period_ms = *o->default_period_ms;
    if (o->min_timeout_ms) p.comm.min_timeout_ms = *o->min_timeout_ms;
    if (o->level) p.comm.level = *o->level;
  }
  p.fault.level = config.sensor_fault_level;
  return p;
}

}  // namespace lookout::aggregator
