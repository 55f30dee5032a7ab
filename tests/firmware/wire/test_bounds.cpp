// Tests for firmware/wire/bounds.cpp: a message's size and nesting are bounded before it is
// parsed (issue #11 point 10).
#include <doctest/doctest.h>

#include "firmware/wire/bounds.hpp"

using namespace lookout::wire;

namespace {

std::string why(std::string_view payload, std::size_t max_bytes = MAX_MESSAGE_BYTES) {
  const auto r = parse_bounded(payload, max_bytes);
  const auto* e = std::get_if<std::string>(&r);
  return e ? *e : "";
}

/// {"x": [[...[]...]]} with `arrays` nested arrays: the message is one level more.
std::string nested(std::size_t arrays) {
  return "{\"x\":" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
}

}  // namespace

TEST_SUITE("wire.bounds") {
  TEST_CASE("a message over the size limit is refused before it is parsed and the error names the limit") {
    const std::string big(MAX_MESSAGE_BYTES + 1, ' ');
    CHECK(why(big) == "message: 5242881 bytes, more than the limit of 5242880");
    CHECK(why("{\"a\":1}", 6) == "message: 7 bytes, more than the limit of 6");
    CHECK(why("{\"a\":1}", 7).empty());
  }

  TEST_CASE("nesting is bounded at MAX_DEPTH and a 200000-deep array is refused without harm") {
    CHECK(why(nested(MAX_DEPTH - 1)).empty());
    CHECK(why(nested(MAX_DEPTH)) == "message: nested deeper than 8 levels of objects and arrays (the limit)");
    CHECK(why(nested(200000)) == "message: nested deeper than 8 levels of objects and arrays (the limit)");
    CHECK(why("{\"x\":" + std::string(1000000, '[')) == "message: nested deeper than 8 levels of objects and arrays (the limit)");
    // brackets inside a string are text, not nesting
    CHECK(why("{\"x\":\"" + std::string(1000, '[') + "\"}").empty());
  }

  TEST_CASE("what is not JSON is said so") {
    CHECK(why("not json") == "message: not valid JSON");
    CHECK(why("{\"a\":") == "message: not valid JSON");
    CHECK(why("") == "message: not valid JSON");
    const auto ok = parse_bounded(R"({"v":1,"a":[{"b":2}]})");
    REQUIRE(std::holds_alternative<nlohmann::json>(ok));
    CHECK(std::get<nlohmann::json>(ok)["a"][0]["b"] == 2);
  }
}
