#include "firmware/wire/bounds.hpp"

namespace lookout::wire {
namespace {

struct TooDeep {};

}  // namespace

std::variant<nlohmann::json, std::string> parse_bounded(std::string_view payload, std::size_t max_bytes) {
  if (payload.size() > max_bytes) {
    return "message: " + std::to_string(payload.size()) + " bytes, more than the limit of " +
           std::to_string(max_bytes);
  }
  // The parser's callback sees each container as it opens, at its depth (0: the message);
  // throwing there ends the parse before anything deeper is built.
  const auto deep = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= MAX_DEPTH) {
      throw TooDeep{};
    }
    return true;
  };
  try {
    nlohmann::json j = nlohmann::json::parse(payload, deep, false);
    if (j.is_discarded()) return std::string("message: not valid JSON");
    return j;
  } catch (const TooDeep&) {
    return "message: nested deeper than " + std::to_string(MAX_DEPTH) + " levels of objects and arrays (the limit)";
  }
}

}  // namespace lookout::wire
