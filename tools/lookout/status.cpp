// lookout status: the aggregator's live status, alarms and gateways as tables
// (status_view.hpp), in the language of the locale.

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "firmware/command_line.hpp"
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

struct StatusArgs {
  std::string api = "127.0.0.1:8080";
  std::string site;
  std::string token;
};

int status(const StatusArgs& args) {
  const std::string& site = args.site;
  const std::string& token = args.token;
  std::string api = args.api;
  if (api.starts_with("http://")) api = api.substr(7);
  if (const auto slash = api.find('/'); slash != std::string::npos) api.resize(slash);
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

}  // namespace

void add_status(CLI::App& lookout) {
  auto* command = lookout.add_subcommand("status", "live status of every site, gateway and point from the aggregator");
  command_line::set_usage(*command,
                          "usage: lookout status [--api http://127.0.0.1:8080] [--token TOKEN] [--site SITE]\n"
                          "       (the token may also come from $LOOKOUT_TOKEN)\n");
  auto args = std::make_shared<StatusArgs>();
  command->add_option("--api", args->api, "the aggregator's HTTP API (default http://127.0.0.1:8080)")
      ->type_name("URL");
  command->add_option("--token", args->token, "an API token (lookout token create)")
      ->type_name("TOKEN")
      ->envname("LOOKOUT_TOKEN");
  command->add_option("--site", args->site, "only this site")->type_name("SITE");
  command_line::set_action(*command, [args] { return status(*args); });
}

}  // namespace lookout::cli
