#include "aggregator/notify/text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "aggregator/notify/local_time.hpp"

namespace lookout::aggregator::notify {
namespace {

/// The built-in templates of one language.
struct Defaults {
  std::string_view raised;
  std::string_view cleared;
  std::string_view repeat;
  std::string_view group;
  std::string_view group_line;
};

constexpr Defaults ZH{
    "【{level_name}】{enterprise} {site} {point}（{quantity}）{value} {unit}，{time}",
    "【预警解除】{enterprise} {site} {point}（{quantity}）已恢复正常（曾达{peak_name}），{value} {unit}，{time}",
    "【{level_name}·未确认】{enterprise} {site} {point}（{quantity}）{value} {unit}，自 {since} 起未确认，{time}",
    "【{level_name}】{enterprise} {site} 共 {count} 条报警：{summary}，{time}\n{lines}",
    "{point}（{quantity}）{level_name} {value} {unit}",
};

constexpr Defaults EN{
    "[{level_name}] {enterprise} {site} {point} ({quantity}) {value} {unit} at {time}",
    "[Cleared] {enterprise} {site} {point} ({quantity}) back to normal (was {peak_name}), {value} {unit} at {time}",
    "[{level_name}, unacknowledged] {enterprise} {site} {point} ({quantity}) {value} {unit}, unacknowledged since "
    "{since}, at {time}",
    "[{level_name}] {count} alarms at {enterprise} {site}: {summary}, at {time}\n{lines}",
    "{point} ({quantity}) {level_name} {value} {unit}",
};

/// At most this many alarms are listed one a line in a grouped message.
constexpr std::size_t MAX_LINES = 20;

std::string_view pick(const std::string& configured, std::string_view fallback) {
  return configured.empty() ? fallback : std::string_view(configured);
}

std::string value_text(const wire::AlarmMessage& a, Language lang) {
  if (!a.value) return lang == Language::zh ? "无数值" : "no value";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", *a.value);
  return buf;
}

std::string kind_suffix(std::string_view kind, Language lang) {
  const bool zh = lang == Language::zh;
  if (kind == "threshold" || kind.empty()) return "";
  if (kind == "rate") return zh ? " 速率" : " rate";
  if (kind == "tangent_angle") return zh ? " 切线角" : " tangent angle";
  if (kind == "accumulation") return zh ? " 累计" : " total";
  if (kind == "derived") return "";
  if (kind == "comm_loss") return zh ? " 通信中断" : " communication loss";
  if (kind == "sensor_fault") return zh ? " 传感器故障" : " sensor fault";
  if (kind == "system_fault") return zh ? " 系统故障" : " system fault";
  return " " + std::string(kind);
}

std::map<std::string, std::string> values_of(const Notice& n, const Change& c, Language lang, int offset_min) {
  const auto& a = c.alarm;
  return {{"enterprise", n.enterprise},
          {"site", n.site},
          {"point", a.point},
          {"quantity", quantity_name(a.quantity, lang) + kind_suffix(a.kind, lang)},
          {"value", value_text(a, lang)},
          {"unit", a.unit},
          {"level", std::string(wire::to_string(a.level))},
          {"level_name", std::string(level_name(a.level, lang))},
          {"peak_name", std::string(level_name(c.severity(), lang))},
          {"state", a.state},
          {"rule", a.rule},
          {"time", local_time(a.ts_ms, offset_min)},
          {"since", local_time(a.since_ms, offset_min)}};
}

}  // namespace

std::string_view level_name(wire::Level l, Language lang) {
  const bool zh = lang == Language::zh;
  switch (l) {
    case wire::Level::blue: return zh ? "蓝色预警" : "Blue warning";
    case wire::Level::yellow: return zh ? "黄色预警" : "Yellow warning";
    case wire::Level::orange: return zh ? "橙色预警" : "Orange warning";
    case wire::Level::red: return zh ? "红色预警" : "Red warning";
    case wire::Level::normal: break;
  }
  return zh ? "恢复正常" : "Normal";
}

std::string quantity_name(std::string_view quantity, Language lang) {
  if (lang != Language::zh) return std::string(quantity);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> ZH_NAMES{{
      {"methane", "甲烷"},
      {"co", "一氧化碳"},
      {"h2s", "硫化氢"},
      {"nh3", "氨气"},
      {"cl2", "氯气"},
      {"o2", "氧气"},
      {"combustible", "可燃气体"},
      {"water_level", "水位"},
      {"rain", "降雨量"},
      {"phreatic_depth", "浸润线埋深"},
      {"freeboard", "安全超高"},
      {"dry_beach_length", "干滩长度"},
      {"displacement_horizontal", "水平位移"},
      {"displacement_vertical", "垂直位移"},
      {"crack_opening", "裂缝开度"},
      {"seepage_flow", "渗流量"},
      {"temperature", "温度"},
      {"gateway_storage", "网关存储"},
      {"gateway_clock", "网关时钟"},
      {"aggregator_storage", "平台数据库存储"},
  }};
  for (const auto& [k, v] : ZH_NAMES) {
    if (k == quantity) return std::string(v);
  }
  return std::string(quantity);
}

std::string substitute(std::string_view tmpl, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(tmpl.size() + 64);
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const auto open = tmpl.find('{', i);
    if (open == std::string_view::npos) break;
    const auto close = tmpl.find('}', open + 1);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(i, open - i));
    const auto it = values.find(std::string(tmpl.substr(open + 1, close - open - 1)));
    if (it != values.end()) {
      out.append(it->second);
    } else {
      out.append(tmpl.substr(open, close - open + 1));
    }
    i = close + 1;
  }
  out.append(tmpl.substr(std::min(i, tmpl.size())));
  return out;
}

const std::vector<std::string_view>& placeholders(std::string_view template_name) {
  static const std::vector<std::string_view> ONE{"enterprise", "site",  "point", "quantity", "value",
                                                 "unit",       "level", "level_name", "peak_name", "state",
                                                 "rule",       "time",  "since"};
  static const std::vector<std::string_view> GROUP{"enterprise", "site", "count", "summary", "lines",
                                                   "level",      "level_name", "time"};
  return template_name == "group" ? GROUP : ONE;
}

std::string render(const Notice& n, Language lang, const Templates& t, int offset_min) {
  const Defaults& d = lang == Language::zh ? ZH : EN;
  if (n.changes.size() == 1) {
    const Change& c = n.changes.front();
    const auto values = values_of(n, c, lang, offset_min);
    if (c.repeat) return substitute(pick(t.repeat, d.repeat), values);
    if (c.cleared()) return substitute(pick(t.cleared, d.cleared), values);
    return substitute(pick(t.raised, d.raised), values);
  }
  // Grouped: a count per level, highest first, then the cleared ones.
  std::array<int, 5> per_level{};
  std::int64_t latest_ms = 0;
  for (const auto& c : n.changes) {
    ++per_level[static_cast<std::size_t>(c.alarm.level)];
    latest_ms = std::max(latest_ms, c.alarm.ts_ms);
  }
  const bool zh = lang == Language::zh;
  std::string summary;
  for (int l = 4; l >= 0; --l) {
    const int count = per_level[static_cast<std::size_t>(l)];
    if (count == 0) continue;
    if (!summary.empty()) summary += zh ? "，" : ", ";
    const auto level = static_cast<wire::Level>(l);
    if (zh) {
      summary += std::to_string(count) + " 条" +
                 (level == wire::Level::normal ? std::string("解除") : std::string(level_name(level, lang)));
    } else {
      summary += std::to_string(count) + " " +
                 (level == wire::Level::normal ? std::string("cleared") : std::string(wire::to_string(level)));
    }
  }
  std::string lines;
  for (std::size_t i = 0; i < n.changes.size() && i < MAX_LINES; ++i) {
    if (!lines.empty()) lines += "\n";
    lines += substitute(pick(t.group_line, d.group_line), values_of(n, n.changes[i], lang, offset_min));
  }
  if (n.changes.size() > MAX_LINES) {
    const auto more = std::to_string(n.changes.size() - MAX_LINES);
    lines += zh ? "\n……另有 " + more + " 条" : "\n... and " + more + " more";
  }
  const wire::Level top = n.severity();
  return substitute(pick(t.group, d.group), {{"enterprise", n.enterprise},
                                             {"site", n.site},
                                             {"count", std::to_string(n.changes.size())},
                                             {"summary", summary},
                                             {"lines", lines},
                                             {"level", std::string(wire::to_string(top))},
                                             {"level_name", std::string(level_name(top, lang))},
                                             {"time", local_time(latest_ms, offset_min)}});
}

}  // namespace lookout::aggregator::notify
