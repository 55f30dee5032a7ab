// lookout status: every point's latest value, quality and level, as a table.

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "tools/lookout/commands.hpp"
#include "tools/lookout/net.hpp"

namespace lookout::cli {

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
    std::string body;
    const int code = http_get(parse_host_port(api), "/api/v1/status", body, token);
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (code != 200 || j.is_discarded()) {
      std::cerr << "lookout status: " << api << " answered " << code << ": " << body << "\n";
      return 1;
    }
    std::printf("%-12s %-10s %-20s %-12s %12s %-6s %-9s %-14s %s\n", "enterprise", "site", "point", "quantity", "value",
                "unit", "quality", "status", "level");
    for (const auto& p : j["points"]) {
      if (!site.empty() && p["site"] != site) continue;
      const std::string value = p["value"].is_null() ? "-" : p["value"].dump();
      std::printf("%-12s %-10s %-20s %-12s %12s %-6s %-9s %-14s %s\n", p["enterprise"].get<std::string>().c_str(),
                  p["site"].get<std::string>().c_str(), p["point"].get<std::string>().c_str(),
                  p["quantity"].get<std::string>().c_str(), value.c_str(), p["unit"].get<std::string>().c_str(),
                  p["quality"].get<std::string>().c_str(), p.value("status", "").c_str(),
                  p["level"].get<std::string>().c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout status: " << api << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace lookout::cli
