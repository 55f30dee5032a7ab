#include "aggregator/http_api.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "firmware/log.hpp"

namespace lookout::aggregator {

using nlohmann::json;

namespace {

constexpr int DEFAULT_PAGE = 1000;   // [readings]
constexpr int MAX_PAGE = 10000;      // [readings]
constexpr int MAX_HISTORY = 500;     // [alarms] per history answer

/// Text from a request may be any bytes: never let it make dump() throw.
std::string text_of(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

HttpResponse ok(const json& j) { return {200, "application/json", text_of(j), {}, {}}; }

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t at = 1;
  while (at <= path.size()) {
    const auto slash = path.find('/', at);
    const auto end = slash == std::string::npos ? path.size() : slash;
    parts.push_back(path.substr(at, end - at));
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  return parts;
}

std::optional<std::int64_t> to_int(const std::string& s) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

/// An integer query parameter; `error` is set when it is there but not an integer.
std::int64_t int_param(const std::map<std::string, std::string>& q, const std::string& key, std::int64_t fallback,
                       std::string& error) {
  const auto it = q.find(key);
  if (it == q.end()) return fallback;
  const auto v = to_int(it->second);
  if (!v) {
    error = key + ": \"" + it->second + "\" is not an integer";
    return fallback;
  }
  return *v;
}

json alarm_json(const AlarmRecord& a) {
  json j{{"id", a.alarm.id},
         {"enterprise", a.key.enterprise},
         {"site", a.key.site},
         {"point", a.key.point},
         {"kind", to_string(a.kind)},
         {"quantity", a.quantity},
         {"level", wire::to_string(a.alarm.level)},
         {"state", to_string(a.alarm.state)},
         {"rule", a.alarm.rule},
         {"value", a.value ? json(*a.value) : json(nullptr)},
         {"unit", a.unit},
         {"ts", a.ts_ms},
         {"since", a.alarm.since_ms}};
  if (a.alarm.state == AlarmState::shelved) j["shelved_until"] = a.alarm.shelved_until_ms;
  return j;
}

json event_json(const AlarmEvent& e) {
  return json{{"ts", e.ts_ms},
              {"action", e.action},
              {"from_level", wire::to_string(e.from_level)},
              {"to_level", wire::to_string(e.to_level)},
              {"from_state", to_string(e.from_state)},
              {"to_state", to_string(e.to_state)},
              {"rule", e.rule},
              {"value", e.value ? json(*e.value) : json(nullptr)},
              {"who", e.who},
              {"comment", e.comment}};
}

json latest_json(const LatestValue& v, const Ingest::Judging& judging) {
  json p{{"id", v.key.enterprise + "/" + v.key.site + "/" + v.key.point},
         {"enterprise", v.key.enterprise},
         {"site", v.key.site},
         {"point", v.key.point},
         {"gateway", v.gateway},
         {"quantity", v.reading.quantity},
         {"value", v.reading.value ? json(*v.reading.value) : json(nullptr)},
         {"unit", v.reading.unit},
         {"ts", v.reading.ts_ms},
         {"quality", wire::to_string(v.reading.quality)},
         {"level", wire::to_string(v.level)}};
  if (v.reading.status != wire::DeviceStatus::ok) p["status"] = wire::to_string(v.reading.status);
  p["derived"] = judging.derived;
  p["judged"] = judging.judged;
  return p;
}

std::string who_of(const Principal& p) {
  return p.token.name + " (" + std::string(to_string(p.role)) + ", token " + std::to_string(p.token.id) + ")";
}

/// Prometheus text exposition: one sample line.
void sample(std::string& out, const std::string& name, const std::string& labels, double v) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  char buf[32];
  std::snprintf(buf, sizeof buf, " %.17g\n", v);
  out += buf;
}

/// A Prometheus label value: backslash, double quote and newline escaped.
std::string label(const std::string& v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

HttpResponse json_error(int status, const std::string& message) {
  return {status, "application/json", text_of(json{{"error", message}}), {}, {}};
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  const auto decode = [](std::string_view s) {
    std::string r;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        r.push_back(' ');
      } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        r.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        r.push_back(s[i]);
      }
    }
    return r;
  };
  std::size_t at = 0;
  while (at < query.size()) {
    auto amp = query.find('&', at);
    if (amp == std::string::npos) amp = query.size();
    const std::string_view pair(query.data() + at, amp - at);
    const auto eq = pair.find('=');
    if (!pair.empty()) {
      out[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    }
    at = amp + 1;
  }
  return out;
}

HttpResponse HttpApi::handle(const HttpRequest& request, std::int64_t now_ms) const {
  const auto q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  HttpResponse res;
  try {
    res = route(request, path, now_ms);
  } catch (const std::exception& e) {
    log::error("http", request.method + " " + path + ": " + e.what());
    res = json_error(500, "internal error; see the aggregator's log");
  }
  count(res.status);
  return res;
}

HttpResponse HttpApi::route(const HttpRequest& request, const std::string& path, std::int64_t now_ms) const {
  const auto q = request.target.find('?');
  const std::string query = q == std::string::npos ? "" : request.target.substr(q + 1);
  const auto parts = split_path(path);
  const bool read = request.method == "GET" || request.method == "HEAD";
  const auto only = [&](bool allowed, const char* methods) -> std::optional<HttpResponse> {
    if (allowed) return std::nullopt;
    auto r = json_error(405, "method " + request.method + " is not allowed on " + path + "; use " + methods);
    r.headers.emplace_back("Allow", methods);
    return r;
  };

  if (path == "/healthz") {
    if (auto r = only(read, "GET")) return *r;
    const auto problems = readiness_ ? readiness_(now_ms) : std::vector<std::string>{};
    if (problems.empty()) return ok(json{{"status", "ok"}});
    HttpResponse r = ok(json{{"status", "unavailable"}, {"problems", problems}});
    r.status = 503;
    return r;
  }
  const bool api = parts.size() >= 3 && parts[0] == "api" && parts[1] == "v1";
  if (path != "/metrics" && !api) return json_error(404, "no such resource: " + path);

  // Who is asking: every other route needs a valid bearer token.
  const std::string& auth = request.authorization;
  if (auth.size() < 8 || auth.compare(0, 7, "Bearer ") != 0) {
    auto r = json_error(401, "a bearer token is required: Authorization: Bearer lk_...");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lookout\"");
    return r;
  }
  const auto token = store_.token_by_hash(sha256_hex(std::string_view(auth).substr(7)));
  const auto role = token ? role_from_string(token->role) : std::nullopt;
  if (!token || !role) {
    auto r = json_error(401, "the bearer token is unknown or revoked");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lookout\", error=\"invalid_token\"");
    return r;
  }
  const Principal who{*token, *role};

  if (path == "/metrics") {
    if (auto r = only(read, "GET")) return *r;
    // Its figures are labelled with every enterprise and site: for those who see them all.
    if (!can_see_everything(who)) {
      return json_error(403, "/metrics covers every enterprise: an engineer's or admin's token reads it; "
                             "GET /api/v1/health gives the same figures within this token's scope");
    }
    return metrics(now_ms);
  }
  const std::string& what = parts[2];
  if (what == "status" && parts.size() == 3) {
    if (auto r = only(read, "GET")) return *r;
    return status(who, query, now_ms);
  }
  if (what == "points" && (parts.size() == 6 || (parts.size() == 7 && parts[6] == "readings"))) {
    if (auto r = only(read, "GET")) return *r;
    return point(who, parts, query);
  }
  if (what == "alarms" && parts.size() == 3) {
    if (auto r = only(read, "GET")) return *r;
    return alarms(who, query, now_ms);
  }
  if (what == "alarms" && (parts.size() == 4 || parts.size() == 5)) {
    const auto id = to_int(parts[3]);
    if (!id) return json_error(404, "no such alarm: " + parts[3]);
    if (parts.size() == 4) {
      if (auto r = only(read, "GET")) return *r;
      return alarm(who, *id);
    }
    if (auto r = only(request.method == "POST", "POST")) return *r;
    return alarm_action(who, *id, parts[4], request.body, now_ms);
  }
  if (what == "health" && parts.size() == 3) {
    if (auto r = only(read, "GET")) return *r;
    return health(who, now_ms);
  }
  if (what == "gateways" && parts.size() == 3) {
    if (auto r = only(read, "GET")) return *r;
    return gateways(who);
  }
  if (what == "events" && parts.size() == 3) {
    if (auto r = only(request.method == "GET", "GET")) return *r;
    HttpResponse r{200, "text/event-stream", "", {}, {}};
    const Divisions& d = divisions_;
    r.stream = [who, &d](std::string_view e, std::string_view s) { return can_see(who, d, e, s); };
    return r;
  }
  if (what == "tokens" && parts.size() <= 4) return tokens(who, request.method, parts, request.body, now_ms);
  return json_error(404, "no such resource: " + path);
}

HttpResponse HttpApi::status(const Principal& who, const std::string& query, std::int64_t now_ms) const {
  const auto q = parse_query(query);
  std::optional<wire::Level> min_level;
  if (const auto l = q.find("level"); l != q.end()) {
    min_level = wire::level_from_string(l->second);
    if (!min_level) return json_error(400, "level: \"" + l->second + "\" is not normal, blue, yellow, orange or red");
  }
  const auto filter = [&](const char* key, const std::string& v) {
    const auto it = q.find(key);
    return it == q.end() || it->second == v;
  };
  json points = json::array();
  for (const auto& v : store_.latest()) {
    if (!can_see(who, divisions_, v.key.enterprise, v.key.site)) continue;
    if (!filter("enterprise", v.key.enterprise) || !filter("site", v.key.site) ||
        !filter("quantity", v.reading.quantity)) {
      continue;
    }
    if (min_level && v.level < *min_level) continue;
    points.push_back(latest_json(v, ingest_.judging(v.key)));
  }
  // Sites rolled up (GB 39496 5.5.4). A site's level is from all its quantities; the
  // quantity filter only narrows the list of quantities shown, `level` keeps sites and
  // quantities at that level or above.
  json sites = json::array();
  for (const auto& s : ingest_.rollup()) {
    if (!can_see(who, divisions_, s.enterprise, s.site)) continue;
    if (!filter("enterprise", s.enterprise) || !filter("site", s.site)) continue;
    if (min_level && s.level < *min_level) continue;
    json quantities = json::array();
    for (const auto& r : s.quantities) {
      if (!filter("quantity", r.quantity) || (min_level && r.level < *min_level)) continue;
      quantities.push_back(json{{"quantity", r.quantity},
                                {"level", wire::to_string(r.level)},
                                {"highest_point_level", wire::to_string(r.highest)},
                                {"points", r.points}});
    }
    if (q.contains("quantity") && quantities.empty()) continue;
    sites.push_back(json{{"enterprise", s.enterprise},
                         {"site", s.site},
                         {"level", wire::to_string(s.level)},
                         {"quantities", std::move(quantities)}});
  }
  return ok(json{{"generated", now_ms}, {"sites", sites}, {"points", points}});
}

HttpResponse HttpApi::point(const Principal& who, const std::vector<std::string>& parts,
                            const std::string& query) const {
  const PointKey key{parts[3], parts[4], parts[5]};
  const std::string id = key.enterprise + "/" + key.site + "/" + key.point;
  // Out of scope and absent look the same: existence is not leaked.
  const auto missing = json_error(404, "no such point: " + id);
  if (!can_see(who, divisions_, key.enterprise, key.site)) return missing;
  std::optional<LatestValue> latest;
  for (auto& v : store_.latest()) {
    if (v.key == key) latest = std::move(v);
  }
  if (!latest) return missing;
  if (parts.size() == 6) {
    json j = latest_json(*latest, ingest_.judging(key));
    // Every rule kind's alarm of the point; `alarm` is its threshold alarm, as before rule kinds.
    json alarms = json::array();
    for (const auto& [k, a] : ingest_.alarm_book()) {
      if (k.point != key || a.alarm.id == 0) continue;
      alarms.push_back(alarm_json(a));
      if (k.kind == RuleKind::threshold) j["alarm"] = alarm_json(a);
    }
    if (!alarms.empty()) j["alarms"] = std::move(alarms);
    return ok(j);
  }
  const auto q = parse_query(query);
  std::string error;
  const std::int64_t to = int_param(q, "to", std::numeric_limits<std::int64_t>::max(), error);
  const std::int64_t from = int_param(q, "from", 0, error);
  const std::int64_t limit = int_param(q, "limit", DEFAULT_PAGE, error);
  std::int64_t after_ts = std::numeric_limits<std::int64_t>::min();
  std::int64_t after_row = 0;
  if (const auto c = q.find("after"); c != q.end()) {
    const auto colon = c->second.find(':');
    const auto ts = to_int(c->second.substr(0, colon));
    const auto row = colon == std::string::npos ? std::nullopt : to_int(c->second.substr(colon + 1));
    if (!ts || !row) error = "after: \"" + c->second + "\" is not a cursor from \"next\"";
    if (ts && row) {
      after_ts = *ts;
      after_row = *row;
    }
  }
  if (error.empty() && (limit < 1 || limit > MAX_PAGE)) error = "limit: from 1 to " + std::to_string(MAX_PAGE);
  if (error.empty() && from > to) error = "from: after to";
  if (!error.empty()) return json_error(400, error);
  const auto rows = store_.readings(key, from, to, after_ts, after_row, static_cast<int>(limit));
  json readings = json::array();
  for (const auto& r : rows) {
    json j{{"value", r.reading.value ? json(*r.reading.value) : json(nullptr)},
           {"unit", r.reading.unit},
           {"ts", r.reading.ts_ms},
           {"quality", wire::to_string(r.reading.quality)},
           {"level", wire::to_string(r.level)},
           {"received", r.received_ms}};
    if (r.reading.status != wire::DeviceStatus::ok) j["status"] = wire::to_string(r.reading.status);
    readings.push_back(std::move(j));
  }
  json out{{"id", id}, {"quantity", latest->reading.quantity}, {"readings", readings}};
  // A full page may have more after it; the cursor is (time, storage order).
  out["next"] = static_cast<std::int64_t>(rows.size()) == limit
                    ? json(std::to_string(rows.back().reading.ts_ms) + ":" + std::to_string(rows.back().row))
                    : json(nullptr);
  return ok(out);
}

HttpResponse HttpApi::alarms(const Principal& who, const std::string& query, std::int64_t now_ms) const {
  const auto q = parse_query(query);
  const auto filter = [&](const char* key, const std::string& v) {
    const auto it = q.find(key);
    return it == q.end() || it->second == v;
  };
  json list = json::array();
  if (q.contains("history")) {
    std::string error;
    const std::int64_t to = int_param(q, "to", now_ms, error);
    const std::int64_t from = int_param(q, "from", to - DAY_MS, error);
    const std::int64_t limit = int_param(q, "limit", 100, error);
    if (error.empty() && (limit < 1 || limit > MAX_HISTORY)) error = "limit: from 1 to " + std::to_string(MAX_HISTORY);
    if (!error.empty()) return json_error(400, error);
    // Scope is checked per alarm: ask for more, keep what may be seen.
    int kept = 0;
    for (const auto id : store_.alarm_ids(from, to, MAX_HISTORY * 4)) {
      if (kept >= limit) break;
      const auto r = alarm(who, id);
      if (r.status != 200) continue;
      const auto j = json::parse(r.body);
      if (!filter("enterprise", j["enterprise"]) || !filter("site", j["site"])) continue;
      list.push_back(j);
      ++kept;
    }
    return ok(json{{"generated", now_ms}, {"from", from}, {"to", to}, {"alarms", list}});
  }
  for (const auto& [k, a] : ingest_.alarm_book()) {
    if (a.alarm.state == AlarmState::normal) continue;
    if (!can_see(who, divisions_, k.point.enterprise, k.point.site)) continue;
    if (!filter("enterprise", k.point.enterprise) || !filter("site", k.point.site) ||
        !filter("kind", std::string(to_string(k.kind))) ||
        !filter("state", std::string(to_string(a.alarm.state))) ||
        !filter("level", std::string(wire::to_string(a.alarm.level)))) {
      continue;
    }
    list.push_back(alarm_json(a));
  }
  return ok(json{{"generated", now_ms}, {"alarms", list}});
}

HttpResponse HttpApi::alarm(const Principal& who, std::int64_t id) const {
  const auto missing = json_error(404, "no such alarm: " + std::to_string(id));
  const auto events = store_.alarm_events(id);
  if (events.empty()) return missing;
  const auto& key = events.front().key;
  if (!can_see(who, divisions_, key.enterprise, key.site)) return missing;
  json j;
  if (const auto current = desk_.find(id)) {
    j = alarm_json(*current);
  } else {
    // A closed alarm whose point has alarmed again since: its last event tells its end.
    const auto& last = events.back();
    j = json{{"id", id},         {"enterprise", key.enterprise},
             {"site", key.site}, {"point", key.point}, {"kind", to_string(last.kind)},
             {"level", wire::to_string(last.to_level)}, {"state", to_string(last.to_state)},
             {"rule", last.rule}, {"since", events.front().ts_ms}};
  }
  j["opened"] = events.front().ts_ms;
  json list = json::array();
  for (const auto& e : events) list.push_back(event_json(e));
  j["events"] = list;
  return ok(j);
}

HttpResponse HttpApi::alarm_action(const Principal& who, std::int64_t id, const std::string& action,
                                   const std::string& body, std::int64_t now_ms) const {
  AlarmAction a{};
  if (action == "ack") {
    a = AlarmAction::acknowledge;
  } else if (action == "shelve") {
    a = AlarmAction::shelve;
  } else if (action == "unshelve") {
    a = AlarmAction::unshelve;
  } else if (action == "out-of-service") {
    a = AlarmAction::remove_from_service;
  } else if (action == "return-to-service") {
    a = AlarmAction::return_to_service;
  } else if (action != "reset") {
    return json_error(404, "no such action: " + action + "; use ack, shelve, unshelve, out-of-service, "
                                                         "return-to-service, reset");
  }
  // Whether it exists is the scope's business first: 404 for what cannot be seen.
  const auto current = desk_.find(id);
  const auto events = current ? std::vector<AlarmEvent>{} : store_.alarm_events(id);
  const PointKey key = current ? current->key : events.empty() ? PointKey{} : events.front().key;
  if ((!current && events.empty()) || !can_see(who, divisions_, key.enterprise, key.site)) {
    return json_error(404, "no such alarm: " + std::to_string(id));
  }
  const bool service =
      action != "reset" && (a == AlarmAction::remove_from_service || a == AlarmAction::return_to_service);
  if (!can_act(who) || (service && !can_take_out_of_service(who))) {
    return json_error(403, "a " + std::string(to_string(who.role)) + " token may not " + action + " alarms");
  }
  if (!current) return json_error(409, "alarm " + std::to_string(id) + " is closed");

  const auto j = body.empty() ? json::object() : json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return json_error(400, "body: not a JSON object");
  std::string comment;
  if (const auto c = j.find("comment"); c != j.end()) {
    if (!c->is_string()) return json_error(400, "comment: must be a string");
    comment = c->get<std::string>();
  }
  std::int64_t duration_ms = 0;
  if (a == AlarmAction::shelve) {
    const auto d = j.find("duration_s");
    if (d == j.end() || !d->is_number_integer()) return json_error(400, "duration_s: required, an integer [s]");
    const auto s = d->get<std::int64_t>();
    if (s < 1 || s > MAX_SHELVE_MS / 1000) {
      return json_error(400, "duration_s: from 1 to " + std::to_string(MAX_SHELVE_MS / 1000));
    }
    duration_ms = s * 1000;
  }
  const auto r = action == "reset" ? desk_.reset_latch(id, who_of(who), comment, now_ms)
                                   : desk_.act(id, a, who_of(who), comment, duration_ms, now_ms);
  if (r.status != 200) return json_error(r.status, r.error);
  json out = alarm_json(*r.alarm);
  out["event"] = event_json(*r.event);
  return ok(out);
}

HttpResponse HttpApi::gateways(const Principal& who) const {
  json list = json::array();
  for (const auto& g : store_.gateways()) {
    if (!can_see(who, divisions_, g.address.enterprise, g.address.site)) continue;
    json j{{"enterprise", g.address.enterprise},
           {"site", g.address.site},
           {"gateway", g.address.gateway},
           {"online", g.online},
           {"last_seen", g.last_seen_ms}};
    const auto status = json::parse(g.status_json, nullptr, false);
    j["status"] = status.is_discarded() ? json(nullptr) : status;
    j["status_received"] = g.status_ms == 0 ? json(nullptr) : json(g.status_ms);
    list.push_back(std::move(j));
  }
  return ok(json{{"gateways", list}});
}

HttpResponse HttpApi::tokens(const Principal& who, const std::string& method, const std::vector<std::string>& parts,
                             const std::string& body, std::int64_t now_ms) const {
  if (!can_manage_tokens(who)) return json_error(403, "only an admin token may manage tokens");
  if (parts.size() == 3 && (method == "GET" || method == "HEAD")) {
    json list = json::array();
    for (const auto& t : store_.tokens()) {
      list.push_back(json{{"id", t.id},
                          {"name", t.name},
                          {"role", t.role},
                          {"division", t.division},
                          {"enterprise", t.enterprise},
                          {"created", t.created_ms},
                          {"revoked", t.revoked_ms == 0 ? json(nullptr) : json(t.revoked_ms)}});
    }
    return ok(json{{"tokens", list}});
  }
  if (parts.size() == 3 && method == "POST") {
    const auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return json_error(400, "body: not a JSON object");
    const auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
    const auto role = role_from_string(str("role"));
    if (!role) return json_error(400, "role: one of regulator, officer, engineer, admin");
    if (str("name").empty()) return json_error(400, "name: required");
    if (const auto why = check_token_scope(*role, str("division"), str("enterprise")); !why.empty()) {
      return json_error(400, why);
    }
    const std::string token = new_token();
    TokenRecord t{0, str("name"), std::string(to_string(*role)), str("division"), str("enterprise"), now_ms, 0};
    t.id = store_.create_token(t, sha256_hex(token));
    return ok(json{{"id", t.id}, {"name", t.name}, {"role", t.role}, {"token", token}});
  }
  if (parts.size() == 4 && method == "DELETE") {
    const auto id = to_int(parts[3]);
    if (!id || !store_.revoke_token(*id, now_ms)) return json_error(404, "no such valid token: " + parts[3]);
    return ok(json{{"id", *id}, {"revoked", now_ms}});
  }
  return json_error(405, "tokens: GET or POST /api/v1/tokens, DELETE /api/v1/tokens/{id}");
}

HttpResponse HttpApi::health(const Principal& who, std::int64_t now_ms) const {
  if (!health_) return json_error(503, "alarm-system health figures are not available");
  auto f = health_(now_ms);
  // What a token may not see is left out; the totals are of what is left.
  const auto hidden = [&](const auto& x) { return !can_see(who, divisions_, x.enterprise, x.site); };
  std::erase_if(f.sites, hidden);
  std::erase_if(f.stale, hidden);
  std::erase_if(f.chattering, hidden);
  f.alarms = 0;
  for (const auto& site : f.sites) f.alarms += site.alarms;
  return ok(json(f));
}

HttpResponse HttpApi::metrics(std::int64_t now_ms) const {
  std::string out;
  const auto& c = ingest_.counters();
  out += "# HELP lookout_ingest_batches_total Readings batches and messages by outcome.\n";
  out += "# TYPE lookout_ingest_batches_total counter\n";
  sample(out, "lookout_ingest_batches_total", "outcome=\"accepted\"", static_cast<double>(c.accepted));
  sample(out, "lookout_ingest_batches_total", "outcome=\"duplicate\"", static_cast<double>(c.duplicates));
  sample(out, "lookout_ingest_batches_total", "outcome=\"renumber\"", static_cast<double>(c.renumbered));
  sample(out, "lookout_ingest_batches_total", "outcome=\"rejected\"", static_cast<double>(c.rejected));
  out += "# HELP lookout_ingest_readings_total Readings stored.\n# TYPE lookout_ingest_readings_total counter\n";
  sample(out, "lookout_ingest_readings_total", "", static_cast<double>(c.readings));
  out += "# HELP lookout_alarms Alarms by state and level, now.\n# TYPE lookout_alarms gauge\n";
  std::map<std::pair<std::string, std::string>, int> by;
  for (const auto& [k, a] : ingest_.alarm_book()) {
    ++by[{std::string(to_string(a.alarm.state)), std::string(wire::to_string(a.alarm.level))}];
  }
  for (const auto& [sl, n] : by) {
    sample(out, "lookout_alarms", "state=\"" + sl.first + "\",level=\"" + sl.second + "\"", n);
  }
  out += "# HELP lookout_http_responses_total HTTP responses by status code.\n";
  out += "# TYPE lookout_http_responses_total counter\n";
  for (const auto& [code, n] : responses_) {
    sample(out, "lookout_http_responses_total", "code=\"" + std::to_string(code) + "\"", static_cast<double>(n));
  }
  out += "# HELP lookout_event_stream_clients Clients of /api/v1/events.\n# TYPE lookout_event_stream_clients gauge\n";
  sample(out, "lookout_event_stream_clients", "", static_cast<double>(hub_.subscribers()));
  if (health_) {
    const auto f = health_(now_ms);
    out += "# HELP lookout_alarm_activations Alarm activations (raises and escalations that page) in the last "
           "10 minutes.\n# TYPE lookout_alarm_activations gauge\n";
    sample(out, "lookout_alarm_activations", "", f.alarms);
    for (const auto& site : f.sites) {
      sample(out, "lookout_alarm_activations", "enterprise=\"" + label(site.enterprise) + "\",site=\"" + label(site.site) + "\"",
             site.alarms);
    }
    out += "# HELP lookout_alarm_floods Sites in an alarm flood now.\n# TYPE lookout_alarm_floods gauge\n";
    sample(out, "lookout_alarm_floods", "", f.floods());
    out += "# HELP lookout_alarms_stale Alarms active and unacknowledged for too long.\n"
           "# TYPE lookout_alarms_stale gauge\n";
    sample(out, "lookout_alarms_stale", "", static_cast<double>(f.stale.size()));
    out += "# HELP lookout_alarms_chattering Alarms chattering in the last 10 minutes.\n"
           "# TYPE lookout_alarms_chattering gauge\n";
    sample(out, "lookout_alarms_chattering", "", static_cast<double>(f.chattering.size()));
  }
  if (more_metrics_) out += more_metrics_();
  return {200, "text/plain; version=0.0.4", out, {}, {}};
}

}  // namespace lookout::aggregator
