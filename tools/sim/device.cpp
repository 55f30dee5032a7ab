#include "tools/sim/device.hpp"

namespace lookout::sim {

namespace {

nlohmann::json block_json(const RegisterBlock& block) {
  return {{"start", block.start}, {"words", block.words}};
}

}  // namespace

nlohmann::json Device::to_json(Seconds uptime) const {
  const auto image = registers(uptime);
  nlohmann::json regs = nlohmann::json::object();
  if (!image.input.words.empty()) regs["input"] = block_json(image.input);
  if (!image.holding.words.empty()) regs["holding"] = block_json(image.holding);
  return {{"name", name_},   {"model", model()},           {"unit", unit_},
          {"state", state_json(uptime)}, {"registers", regs}};
}

std::string unknown_field_error(const Device& device, std::string_view field) {
  std::string message = "unknown field '" + std::string(field) + "' for " +
                        std::string(device.model()) + " (";
  const auto names = device.fields();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) message += ", ";
    message += names[i];
  }
  return message + ")";
}

}  // namespace lookout::sim
