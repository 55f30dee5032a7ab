#include "firmware/edge/edge_event.hpp"

#include <nlohmann/json.hpp>

namespace lookout::firmware::edge {

std::string encode(const std::string& gateway, const EdgeEvent& e) {
  nlohmann::json j{{"v", 1},          {"gateway", gateway}, {"ts", e.ts_ms},        {"event", e.kind},
                   {"name", e.name},  {"action", e.action}, {"point", e.point},     {"detail", e.detail}};
  j["value"] = e.value ? nlohmann::json(*e.value) : nlohmann::json(nullptr);
  if (!e.unit.empty()) j["unit"] = e.unit;
  if (!e.device.empty()) j["device"] = e.device;
  j[e.kind == "warning" ? "devices" : "outputs"] = e.outputs;
  if (!e.by.empty()) j["by"] = e.by;
  return j.dump();
}

}  // namespace lookout::firmware::edge
