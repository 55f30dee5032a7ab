// The tables of `lookout status` (status_view.hpp), in Chinese or English.

#include "tools/lookout/status_view.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "aggregator/notify/text.hpp"
#include "tools/lookout/text_table.hpp"

namespace lookout::cli {
namespace {

using nlohmann::json;

/// One text in both languages.
struct Words {
  std::string_view en;
  std::string_view zh;
};

std::string say(Lang lang, Words w) { return std::string(lang == Lang::zh ? w.zh : w.en); }

/// The Chinese of a wire word (a level, quality, status or rule kind); an unknown word,
/// and every word in English, is shown as it is.
std::string word(Lang lang, const std::string& wire_word) {
  if (lang == Lang::en) return wire_word;
  static const std::map<std::string_view, std::string_view> ZH{
      {"normal", "正常"},
      {"blue", "蓝色"},
      {"yellow", "黄色"},
      {"orange", "橙色"},
      {"red", "红色"},
      {"returned", "已恢复"},
      {"good", "可靠"},
      {"uncertain", "存疑"},
      {"bad", "无效"},
      {"ok", "正常"},
      {"offline", "无应答"},
      {"warming_up", "预热中"},
      {"calibration", "标定中"},
      {"inhibited", "输出禁止"},
      {"sensor_fault", "传感器故障"},
      {"loop_fault", "回路故障"},
      {"over_range", "超量程"},
      {"calibration_expired", "标定过期"},
      {"maintenance_due", "待维护"},
      {"invalid_response", "应答无效"},
      {"measuring", "测量中"},
      {"weak_signal", "信号弱"},
      {"restarted", "已重启"},
      {"no_fix", "未定位"},
      {"float_solution", "浮点解"},
      {"threshold", "阈值"},
      {"rate", "速率"},
      {"tangent_angle", "切线角"},
      {"accumulation", "累计"},
      {"derived", "派生"},
      {"comm_loss", "通信中断"},
      {"system_fault", "系统故障"},
      {"disk_full", "磁盘已满"},
      {"write_failed", "写入失败"},
  };
  const auto it = ZH.find(wire_word);
  return it == ZH.end() ? wire_word : std::string(it->second);
}

std::string text(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::int64_t number(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

bool flag(const json& j, const char* key, bool otherwise) {
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

const json& list(const json& j, const char* key) {
  static const json EMPTY = json::array();
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : EMPTY;
}

/// [ms UTC] as local "HH:MM:SS" when on the day of `now_ms`, else the local date.
std::string clock_text(std::int64_t ts_ms, std::int64_t now_ms, int offset_min) {
  if (ts_ms <= 0) return "-";
  const auto local = [&](std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000 + std::int64_t{offset_min} * 60);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
  };
  const std::tm at = local(ts_ms);
  const std::tm now = local(now_ms);
  char out[32];
  if (at.tm_year == now.tm_year && at.tm_yday == now.tm_yday) {
    std::snprintf(out, sizeof out, "%02d:%02d:%02d", at.tm_hour, at.tm_min, at.tm_sec);
  } else {
    std::snprintf(out, sizeof out, "%04d-%02d-%02d", at.tm_year + 1900, at.tm_mon + 1, at.tm_mday);
  }
  return out;
}

using SiteKey = std::pair<std::string, std::string>;  // (enterprise, site)

SiteKey site_of(const json& j) { return {text(j, "enterprise"), text(j, "site")}; }

/// What a site lacks to be in contact: its offline gateways and its points in comm loss.
struct Contact {
  std::vector<std::pair<std::string, std::int64_t>> offline;  ///< gateway, last seen [ms UTC]
  int points_lost = 0;
  bool lost() const { return !offline.empty() || points_lost > 0; }
};

std::string contact_note(const Contact& c, const StatusInput& in, std::int64_t now_ms) {
  std::string note = say(in.lang, {"out of contact:", "失联："});
  bool first = true;
  for (const auto& [gateway, seen] : c.offline) {
    if (!first) note += say(in.lang, {",", "，"});
    first = false;
    note += say(in.lang, {" gateway ", "网关 "}) + gateway + say(in.lang, {" offline", " 离线"});
    if (seen > 0) {
      note += say(in.lang, {" since ", "，最后通信 "}) + clock_text(seen, now_ms, in.utc_offset_min) + " (" +
              age_text(now_ms - seen, in.lang) + say(in.lang, {" ago)", "前)"});
    }
  }
  if (c.points_lost > 0) {
    if (!first) note += say(in.lang, {",", "，"});
    note += say(in.lang, {" ", ""}) + std::to_string(c.points_lost) +
            (in.lang == Lang::zh ? std::string(" 个测点通信中断")
                                 : std::string(c.points_lost == 1 ? " point" : " points") + " lost contact");
  }
  return note;
}

}  // namespace

Lang lang_from_env(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || *v == '\0') continue;
    const std::string_view s(v);
    return s.starts_with("en") ? Lang::en : Lang::zh;
  }
  return Lang::zh;
}

std::string age_text(std::int64_t age_ms, Lang lang) {
  const std::int64_t s = age_ms < 0 ? 0 : age_ms / 1000;
  const bool zh = lang == Lang::zh;
  char out[48];
  if (s < 60) {
    std::snprintf(out, sizeof out, zh ? "%lld秒" : "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(out, sizeof out, zh ? "%lld分%02lld秒" : "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else if (s < 86400) {
    std::snprintf(out, sizeof out, zh ? "%lld时%02lld分" : "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else {
    std::snprintf(out, sizeof out, zh ? "%lld天%02lld时" : "%lldd%02lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s % 86400 / 3600));
  }
  return out;
}

std::string render_status(const StatusInput& in) {
  const Lang lang = in.lang;
  const auto zh_lang = lang == Lang::zh ? aggregator::notify::Language::zh : aggregator::notify::Language::en;
  const std::int64_t now_ms = number(in.status, "generated");
  const auto shown = [&](const json& j) { return in.site.empty() || text(j, "site") == in.site; };

  // Per point: the rule kinds of its standing alarms with their levels; per site, contact.
  std::map<std::string, std::string> kinds;
  std::map<SiteKey, Contact> contact;
  for (const auto& a : list(in.alarms, "alarms")) {
    const bool returned = text(a, "state") == "returned_unacknowledged";
    auto& k = kinds[text(a, "enterprise") + "/" + text(a, "site") + "/" + text(a, "point")];
    if (!k.empty()) k += ",";
    // An alarm back to normal but not yet acknowledged still wants a person: "returned".
    k += word(lang, text(a, "kind")) + ":" + word(lang, returned ? "returned" : text(a, "level"));
    if (text(a, "kind") == "comm_loss" && !returned && text(a, "level") != "normal") ++contact[site_of(a)].points_lost;
  }
  for (const auto& g : list(in.gateways, "gateways")) {
    if (!flag(g, "online", false)) contact[site_of(g)].offline.emplace_back(text(g, "gateway"), number(g, "last_seen"));
  }
  // The quantities of a site that a rule judges at one point at least: the others' level
  // is "normal" only because nothing can raise it.
  std::set<std::pair<SiteKey, std::string>> judged_quantities;
  for (const auto& p : list(in.status, "points")) {
    if (flag(p, "judged", true)) judged_quantities.emplace(site_of(p), text(p, "quantity"));
  }

  std::string out = say(lang, {"Sites\n", "站点\n"});
  TextTable sites({say(lang, {"enterprise", "企业"}), say(lang, {"site", "站点"}), say(lang, {"subject", "对象"}),
                   say(lang, {"level", "等级"}), say(lang, {"note", "说明"})});
  for (const auto& s : list(in.status, "sites")) {
    if (!shown(s)) continue;
    const std::string level = text(s, "level");
    const auto c = contact.find(site_of(s));
    const bool lost = c != contact.end() && c->second.lost();
    // Out of contact, "normal" would be a guess: the site says so instead.
    sites.add({text(s, "enterprise"), text(s, "site"), say(lang, {"(site)", "（站点）"}),
               lost && level == "normal" ? say(lang, {"no_contact", "失联"}) : word(lang, level),
               lost ? contact_note(c->second, in, now_ms) : ""});
    for (const auto& q : list(s, "quantities")) {
      const int points = q.value("points", 0);
      const std::string count = std::to_string(points);
      const std::string name = aggregator::notify::quantity_name(text(q, "quantity"), zh_lang);
      if (judged_quantities.count({site_of(s), text(q, "quantity")}) == 0) {
        sites.add({text(s, "enterprise"), text(s, "site"), name, "-",
                   lang == Lang::zh ? "（其 " + count + " 个测点均不设报警规则）"
                                    : "(no rule judges its " + count + " point" + (points == 1 ? "" : "s") + ")"});
        continue;
      }
      const std::string highest = word(lang, text(q, "highest_point_level"));
      sites.add({text(s, "enterprise"), text(s, "site"), name, word(lang, text(q, "level")),
                 lang == Lang::zh ? "（最高测点 " + highest + "，共 " + count + " 个测点）"
                                  : "(highest point " + highest + ", " + count + " point" + (points == 1 ? "" : "s") +
                                        ")"});
    }
  }
  out += sites.str();

  out += say(lang, {"\nGateways\n", "\n网关\n"});
  TextTable gateways({say(lang, {"enterprise", "企业"}), say(lang, {"site", "站点"}), say(lang, {"gateway", "网关"}),
                      say(lang, {"state", "状态"}), say(lang, {"last_seen", "最后通信"}), say(lang, {"age", "距今"}),
                      say(lang, {"fault", "故障"})});
  for (const auto& g : list(in.gateways, "gateways")) {
    if (!shown(g)) continue;
    const std::int64_t seen = number(g, "last_seen");
    // Its storage as its last status said (protocol.md "Gateway status"): readings held in
    // memory while its outbox cannot take them.
    std::string fault = "-";
    if (const auto s = g.find("status"); s != g.end() && s->is_object()) {
      const auto storage = s->find("storage");
      if (storage != s->end() && storage->is_object() && text(*storage, "fault") != "" && text(*storage, "fault") != "none") {
        fault = word(lang, text(*storage, "fault")) + say(lang, {"(", "（"}) +
                std::to_string(number(*storage, "held")) + say(lang, {"_held,", "条暂存，"}) +
                std::to_string(number(*storage, "dropped")) + say(lang, {"_dropped)", "条丢弃）"});
      }
    }
    gateways.add({text(g, "enterprise"), text(g, "site"), text(g, "gateway"),
                  flag(g, "online", false) ? say(lang, {"online", "在线"}) : say(lang, {"offline", "离线"}),
                  clock_text(seen, now_ms, in.utc_offset_min), seen > 0 ? age_text(now_ms - seen, lang) : "-", fault});
  }
  out += gateways.str();

  out += say(lang, {"\nPoints\n", "\n测点\n"});
  TextTable points({say(lang, {"enterprise", "企业"}), say(lang, {"site", "站点"}), say(lang, {"point", "测点"}),
                    say(lang, {"gateway", "网关"}), say(lang, {"quantity", "类型"}), say(lang, {"value", "数值"}),
                    say(lang, {"unit", "单位"}), say(lang, {"quality", "质量"}), say(lang, {"status", "状态"}),
                    say(lang, {"level", "等级"}), say(lang, {"time", "时间"}), say(lang, {"age", "距今"}),
                    say(lang, {"alarms", "报警"})});
  bool unjudged = false;
  for (const auto& p : list(in.status, "points")) {
    if (!shown(p)) continue;
    // Six significant digits, as an instrument shows them (1.2, 20, 27.0847), not JSON's 17.
    char value[32] = "-";
    if (p.contains("value") && p["value"].is_number()) std::snprintf(value, sizeof value, "%.6g", p["value"].get<double>());
    const bool judged = flag(p, "judged", true);
    unjudged = unjudged || !judged;
    const std::int64_t ts = number(p, "ts");
    const std::string status = text(p, "status");
    const auto k = kinds.find(text(p, "enterprise") + "/" + text(p, "site") + "/" + text(p, "point"));
    points.add({text(p, "enterprise"), text(p, "site"), text(p, "point"),
                flag(p, "derived", false) ? say(lang, {"(derived)", "（派生）"}) : text(p, "gateway"),
                aggregator::notify::quantity_name(text(p, "quantity"), zh_lang), value,
                text(p, "unit").empty() ? "-" : text(p, "unit"), word(lang, text(p, "quality")),
                word(lang, status.empty() ? "ok" : status), judged ? word(lang, text(p, "level")) : "-",
                clock_text(ts, now_ms, in.utc_offset_min), ts > 0 ? age_text(now_ms - ts, lang) : "-",
                k == kinds.end() ? "-" : k->second});
  }
  out += points.str();
  if (unjudged) {
    out += say(lang, {"\nlevel -: no rule judges this point (a derived point computed from it has its own level)\n",
                      "\n等级 -：此测点本身不设报警规则（由它计算的派生测点另有等级）\n"});
  }
  return out;
}

}  // namespace lookout::cli
