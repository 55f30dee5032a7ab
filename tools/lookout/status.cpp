// lookout status: the aggregator's live status, alarms and gateways as tables
// (status_view.hpp), in the language of the locale.

#include <cstdlib>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "tools/lookout/commands.hpp"
#include "tools/lookout/net.hpp"
#include "tools/lookout/status_view.hpp"

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

/// [min] east of UTC of this machine's local time now (TZ, else /etc/localtime).
int local_utc_offset_min() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return static_cast<int>(tm.tm_gmtoff / 60);
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
    StatusInput in;
    in.status = get_json(api, "/api/v1/status", token);
    if (in.status.is_null()) return 1;
    in.alarms = get_json(api, "/api/v1/alarms", token);
    if (in.alarms.is_null()) return 1;
    in.gateways = get_json(api, "/api/v1/gateways", token);
    if (in.gateways.is_null()) return 1;
    in.site = site;
    in.lang = lang_from_env(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"), std::getenv("LANG"));
    in.utc_offset_min = local_utc_offset_min();
    std::cout << render_status(in);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout status: " << api << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace lookout::cli
