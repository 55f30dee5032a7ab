#include "gateway/remote_request.hpp"

#include <nlohmann/json.hpp>

namespace lookout::gateway {

using nlohmann::json;

std::variant<RemoteRequest, RequestError> parse_remote_request(std::string_view kind, std::string_view payload) {
  const json j = json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return RequestError{"", "message: not a JSON object"};
  RemoteRequest r;
  if (const auto it = j.find("id"); it != j.end() && it->is_string()) r.id = it->get<std::string>();
  if (!j.contains("v") || j["v"] != 1) return RequestError{r.id, "v: unsupported protocol version (this build reads 1)"};
  if (kind == "config") {
    if (!j.contains("site") || !j["site"].is_string()) return RequestError{r.id, "site: missing (the site file as text)"};
    r.what = NewSiteFile{j["site"].get<std::string>()};
    return r;
  }
  if (kind != "command") return RequestError{r.id, "topic: unknown request kind \"" + std::string(kind) + "\""};
  if (!j.contains("command") || !j["command"].is_string()) return RequestError{r.id, "command: missing"};
  const auto command = j["command"].get<std::string>();
  if (command == "poll_now") {
    if (!j.contains("device") || !j["device"].is_string()) return RequestError{r.id, "device: missing"};
    r.what = PollNow{j["device"].get<std::string>()};
  } else if (command == "publish_status") {
    r.what = PublishStatus{};
  } else if (command == "reset_interlock") {
    ResetInterlock reset;
    if (const auto it = j.find("interlock"); it != j.end()) {
      if (!it->is_string() || it->get<std::string>().empty()) {
        return RequestError{r.id, "interlock: should be an interlock's name (leave it out to reset every one)"};
      }
      reset.interlock = it->get<std::string>();
    }
    r.what = reset;
  } else {
    return RequestError{r.id, "command: unknown command \"" + command + "\" (poll_now, publish_status, reset_interlock)"};
  }
  return r;
}

std::string encode_result(const std::string& gateway, std::int64_t ts_ms, std::string_view event,
                          const std::string& id, const std::vector<std::string>& errors) {
  json j{{"v", 1}, {"gateway", gateway}, {"ts", ts_ms}, {"event", event}, {"id", id}, {"ok", errors.empty()}};
  if (!errors.empty()) j["errors"] = errors;
  return j.dump();
}

}  // namespace lookout::gateway
