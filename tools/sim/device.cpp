#include "tools/sim/device.hpp"

#include <charconv>

namespace lookout::sim {

namespace {

nlohmann::json block_json(const RegisterBlock& block) {
  return {{"start", block.start}, {"words", block.words}};
}

}  // namespace

std::optional<bool> parse_flag(std::string_view value) {
  if (value == "0") return false;
  if (value == "1") return true;
  return std::nullopt;
}

SetError Device::set_field(std::string_view field, std::string_view value, Seconds uptime) {
  if (field == "connected" || field == "garbage" || field == "truncated") {
    const auto flag = parse_flag(value);
    if (!flag) return std::string(field) + " wants 0|1, got '" + std::string(value) + "'";
    (field == "connected" ? connected_ : field == "garbage" ? garbage_ : truncated_) = *flag;
    return std::nullopt;
  }
  if (field == "delay_ms") {
    int ms = -1;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec != std::errc{} || end != value.data() + value.size() || ms < 0 || ms > MAX_DELAY_MS) {
      return "delay_ms wants 0.." + std::to_string(MAX_DELAY_MS) + ", got '" + std::string(value) + "'";
    }
    delay_ms_ = ms;
    return std::nullopt;
  }
  return set(field, value, uptime);
}

nlohmann::json Device::to_json(Seconds uptime) const {
  const auto image = registers(uptime);
  nlohmann::json regs = nlohmann::json::object();
  if (!image.input.words.empty()) regs["input"] = block_json(image.input);
  if (!image.holding.words.empty()) regs["holding"] = block_json(image.holding);
  if (!image.coils.bits.empty()) {
    regs["coils"] = {{"start", image.coils.start}, {"bits", image.coils.bits}};
  }
  return {{"name", name_},
          {"model", model()},
          {"unit", unit_},
          {"connected", connected_},
          {"garbage", garbage_},
          {"truncated", truncated_},
          {"delay_ms", delay_ms_},
          {"state", state_json(uptime)},
          {"registers", regs}};
}

std::string unknown_field_error(const Device& device, std::string_view field) {
  std::string message = "unknown field '" + std::string(field) + "' for " +
                        std::string(device.model()) + " (";
  auto names = device.fields();
  names.insert(names.end(), std::begin(COMMON_FIELDS), std::end(COMMON_FIELDS));
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) message += ", ";
    message += names[i];
  }
  return message + ")";
}

}  // namespace lookout::sim
