#include "aggregator/http_api.hpp"

#include <nlohmann/json.hpp>

#include "firmware/log.hpp"

namespace lookout::aggregator {

using nlohmann::json;

HttpResponse json_error(int status, const std::string& message) {
  return {status, "application/json", json{{"error", message}}.dump() + "\n"};
}

HttpResponse HttpApi::handle(const HttpRequest& request, std::int64_t now_ms) const {
  const auto q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  const bool known = path == "/api/v1/status" || path == "/healthz";
  if (!known) return json_error(404, "no such resource: " + path);
  if (request.method != "GET" && request.method != "HEAD") {
    return json_error(405, "method " + request.method + " is not allowed on " + path + "; use GET");
  }
  try {
    if (path == "/healthz") {
      const auto& c = ingest_.counters();
      return {200, "application/json",
              json{{"status", "ok"},
                   {"accepted", c.accepted},
                   {"duplicates", c.duplicates},
                   {"rejected", c.rejected},
                   {"readings", c.readings}}
                      .dump() +
                  "\n"};
    }
    return status(now_ms);
  } catch (const std::exception& e) {
    log::error("http", request.method + " " + path + ": " + e.what());
    return json_error(500, "internal error; see the aggregator's log");
  }
}

HttpResponse HttpApi::status(std::int64_t now_ms) const {
  json points = json::array();
  for (const auto& v : store_.latest()) {
    json p{{"enterprise", v.key.enterprise},
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
    points.push_back(std::move(p));
  }
  return {200, "application/json", json{{"generated", now_ms}, {"points", points}}.dump() + "\n"};
}

}  // namespace lookout::aggregator
