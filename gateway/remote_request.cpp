#include "gateway/remote_request.hpp"

#include <optional>

#include <nlohmann/json.hpp>

#include "firmware/log.hpp"
#include "firmware/wire/bounds.hpp"
#include "firmware/wire/messages.hpp"

namespace lookout::gateway {

using nlohmann::json;

namespace {

/// [bytes] a request's id, echoed in its answer.
constexpr std::size_t MAX_ID_BYTES = 64;

/// A name the request gives (a device's, an interlock's): a name, or why not.
std::optional<std::string> name_error(const json& j, const char* key) {
  const auto& v = j[key];
  if (!v.is_string() || !wire::is_valid_name(v.get_ref<const std::string&>())) {
    return std::string(key) + ": " + (v.is_string() ? log::quoted(v.get_ref<const std::string&>()) : v.type_name()) +
           " is not a name (1 to 64 of A-Z a-z 0-9 _ -)";
  }
  return std::nullopt;
}

}  // namespace

std::variant<RemoteRequest, RequestError> parse_remote_request(std::string_view kind, std::string_view payload) {
  auto parsed = wire::parse_bounded(payload, wire::MAX_REQUEST_BYTES);
  if (const auto* why = std::get_if<std::string>(&parsed)) return RequestError{"", *why};
  const json& j = std::get<json>(parsed);
  if (!j.is_object()) return RequestError{"", "message: not a JSON object"};
  RemoteRequest r;
  if (const auto it = j.find("id"); it != j.end() && it->is_string()) {
    if (it->get_ref<const std::string&>().size() > MAX_ID_BYTES) {
      return RequestError{"", "id: " + log::quoted(it->get_ref<const std::string&>()) + " is longer than " +
                                  std::to_string(MAX_ID_BYTES) + " bytes"};
    }
    r.id = it->get<std::string>();
  }
  if (!j.contains("v") || j["v"] != 1) return RequestError{r.id, "v: unsupported protocol version (this build reads 1)"};
  if (kind == "config") {
    if (!j.contains("site") || !j["site"].is_string()) return RequestError{r.id, "site: missing (the site file as text)"};
    r.what = NewSiteFile{j["site"].get<std::string>()};
    return r;
  }
  if (kind != "command") return RequestError{r.id, "topic: unknown request kind " + log::quoted(kind)};
  if (!j.contains("command") || !j["command"].is_string()) return RequestError{r.id, "command: missing"};
  const auto command = j["command"].get<std::string>();
  if (command == "poll_now") {
    if (!j.contains("device")) return RequestError{r.id, "device: missing"};
    if (auto e = name_error(j, "device")) return RequestError{r.id, *e};
    r.what = PollNow{j["device"].get<std::string>()};
  } else if (command == "publish_status") {
    r.what = PublishStatus{};
  } else if (command == "reset_interlock") {
    ResetInterlock reset;
    if (const auto it = j.find("interlock"); it != j.end()) {
      if (!it->is_string() || it->get<std::string>().empty()) {
        return RequestError{r.id, "interlock: should be an interlock's name (leave it out to reset every one)"};
      }
      if (auto e = name_error(j, "interlock")) return RequestError{r.id, *e};
      reset.interlock = it->get<std::string>();
    }
    r.what = reset;
  } else {
    return RequestError{r.id, "command: unknown command " + log::quoted(command) + " (poll_now, publish_status, reset_interlock)"};
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
