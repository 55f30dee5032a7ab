// lookout status: each site's level rolled up from its quantities, then every point's
// latest value, quality, level and the rule kinds of its standing alarms, as tables.

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "tools/lookout/commands.hpp"
#include "tools/lookout/net.hpp"

namespace lookout::cli {
namespace {

/// GET `path` as JSON; prints why and returns null when it fails.
nlohmann::json get_json(const std::string& api, const std::string& path, const std::string& token) {
  std::string body;
  const int code = http_get(parse_host_port(api), path, body, token);
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (code != 200 || j.is_discarded()) {
    std::cerr << "lookout status: " << api << path << " answered " << code << ": " << body << "\n";
    return nullptr;
  }
  return j;
}

std::string text(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

int status(const Args& args) {
  std::string api = "127.0.0.1:8080";
  std::string site;
  const char* env = std::getenv("LOOKOUT_TOKEN");
  std::string token = env != nullptr ? env : "";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--api" && i + 1 < args.size()) {
      api = args[++i];
      if (api.starts_with("http://")) api = api.substr(7);
      if (const auto slash = api.find('/'); slash != std::string::npos) api.resize(slash);
    } else if (args[i] == "--token" && i + 1 < args.size()) {
      token = args[++i];
    } else if (args[i] == "--site" && i + 1 < args.size()) {
      site = args[++i];
    } else {
      std::cerr << "usage: lookout status [--api http://127.0.0.1:8080] [--token TOKEN] [--site SITE]\n"
                   "       (the token may also come from $LOOKOUT_TOKEN)\n";
      return 2;
    }
  }
  try {
    const auto j = get_json(api, "/api/v1/status", token);
    if (j.is_null()) return 1;
    const auto active = get_json(api, "/api/v1/alarms", token);
    if (active.is_null()) return 1;
    // Per point, the rule kinds of its alarms that are not normal, with their levels.
    std::map<std::string, std::string> kinds;
    for (const auto& a : active["alarms"]) {
      auto& k = kinds[text(a, "enterprise") + "/" + text(a, "site") + "/" + text(a, "point")];
      if (!k.empty()) k += ",";
      // An alarm back to normal but not yet acknowledged still wants a person: "returned".
      k += text(a, "kind") + ":" + (text(a, "state") == "returned_unacknowledged" ? "returned" : text(a, "level"));
    }

    std::printf("%-12s %-10s %-20s %-7s\n", "enterprise", "site", "quantity", "level");
    for (const auto& s : j.value("sites", nlohmann::json::array())) {
      if (!site.empty() && s["site"] != site) continue;
      std::printf("%-12s %-10s %-20s %-7s\n", text(s, "enterprise").c_str(), text(s, "site").c_str(), "(site)",
                  text(s, "level").c_str());
      for (const auto& q : s["quantities"]) {
        std::printf("%-12s %-10s %-20s %-7s (highest point %s, %d point%s)\n", text(s, "enterprise").c_str(),
                    text(s, "site").c_str(), text(q, "quantity").c_str(), text(q, "level").c_str(),
                    text(q, "highest_point_level").c_str(), q.value("points", 0), q.value("points", 0) == 1 ? "" : "s");
      }
    }
    std::printf("\n%-12s %-10s %-20s %-16s %12s %-6s %-9s %-14s %-7s %s\n", "enterprise", "site", "point", "quantity",
                "value", "unit", "quality", "status", "level", "alarms");
    for (const auto& p : j["points"]) {
      if (!site.empty() && p["site"] != site) continue;
      // Six significant digits, as an instrument shows them (1.2, 20, 27.0847), not JSON's 17.
      char value[32] = "-";
      if (p["value"].is_number()) std::snprintf(value, sizeof value, "%.6g", p["value"].get<double>());
      const auto k = kinds.find(text(p, "enterprise") + "/" + text(p, "site") + "/" + text(p, "point"));
      std::printf("%-12s %-10s %-20s %-16s %12s %-6s %-9s %-14s %-7s %s\n", text(p, "enterprise").c_str(),
                  text(p, "site").c_str(), text(p, "point").c_str(), text(p, "quantity").c_str(), value,
                  text(p, "unit").c_str(), text(p, "quality").c_str(), text(p, "status").c_str(),
                  text(p, "level").c_str(), k == kinds.end() ? "-" : k->second.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout status: " << api << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace lookout::cli
