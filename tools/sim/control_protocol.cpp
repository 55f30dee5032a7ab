#include "tools/sim/control_protocol.hpp"

#include <nlohmann/json.hpp>

#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::string error_reply(std::string_view message) { return "error: " + std::string(message); }

std::string unknown_device(std::string_view name) {
  return error_reply("unknown device '" + std::string(name) + "'");
}

}  // namespace

ControlRequest parse_control_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > CONTROL_MAX_LINE) return ControlError{"line too long"};
  const auto words = split_words(line);
  if (words.empty()) return ControlError{"empty line (commands: set, release, get, list)"};
  const auto verb = words[0];
  if (verb == "set") {
    if (words.size() != 4) return ControlError{"usage: set NAME FIELD VALUE"};
    return SetCommand{std::string(words[1]), std::string(words[2]), std::string(words[3])};
  }
  if (verb == "release") {
    if (words.size() != 2 && words.size() != 3) return ControlError{"usage: release NAME [FIELD]"};
    return ReleaseCommand{std::string(words[1]), words.size() == 3 ? std::string(words[2]) : std::string()};
  }
  if (verb == "get") {
    if (words.size() != 2) return ControlError{"usage: get NAME"};
    return GetCommand{std::string(words[1])};
  }
  if (verb == "list") {
    if (words.size() != 1) return ControlError{"usage: list"};
    return ListCommand{};
  }
  return ControlError{"unknown command '" + std::string(verb) + "' (commands: set, release, get, list)"};
}

std::string execute_control(const ControlRequest& request, DeviceSet& devices, Seconds uptime) {
  return std::visit(
      Overloaded{
          [&](const SetCommand& c) -> std::string {
            auto* device = devices.find(c.device);
            if (!device) return unknown_device(c.device);
            const auto error = device->set_field(c.field, c.value, uptime);
            if (error) return error_reply(*error);
            devices.hold(c.device, c.field);
            return "ok";
          },
          [&](const ReleaseCommand& c) -> std::string {
            if (!devices.find(c.device)) return unknown_device(c.device);
            return "ok: " + std::to_string(devices.release(c.device, c.field)) + " released";
          },
          [&](const GetCommand& c) -> std::string {
            const auto* device = devices.find(c.device);
            if (!device) return unknown_device(c.device);
            return device->to_json(uptime).dump();
          },
          [&](const ListCommand&) -> std::string {
            auto all = nlohmann::json::array();
            for (const auto& d : devices.devices()) all.push_back(d->to_json(uptime));
            return nlohmann::json{{"devices", all}}.dump();
          },
          [](const ControlError& e) { return error_reply(e.message); },
      },
      request);
}

std::string handle_control_line(std::string_view line, DeviceSet& devices, Seconds uptime) {
  return execute_control(parse_control_line(line), devices, uptime);
}

}  // namespace lookout::sim
