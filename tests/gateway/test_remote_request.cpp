#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "gateway/remote_request.hpp"

using namespace lookout::gateway;

TEST_SUITE("gateway.remote_request") {
  TEST_CASE("commands and site files") {
    auto r = parse_remote_request("command", R"({"v":1,"id":"a1","command":"poll_now","device":"ch4-1"})");
    REQUIRE(std::holds_alternative<RemoteRequest>(r));
    CHECK(std::get<RemoteRequest>(r).id == "a1");
    CHECK(std::get<PollNow>(std::get<RemoteRequest>(r).what).device == "ch4-1");
    r = parse_remote_request("command", R"({"v":1,"command":"publish_status"})");
    CHECK(std::holds_alternative<PublishStatus>(std::get<RemoteRequest>(r).what));
    r = parse_remote_request("config", R"({"v":1,"id":"c","site":"[gateway]\n"})");
    CHECK(std::get<NewSiteFile>(std::get<RemoteRequest>(r).what).text == "[gateway]\n");
  }

  TEST_CASE("bad requests are refused with the id and a reason") {
    auto r = parse_remote_request("command", "nope");
    CHECK(std::get<RequestError>(r).reason == "message: not valid JSON");
    r = parse_remote_request("command", "[1]");
    CHECK(std::get<RequestError>(r).reason == "message: not a JSON object");
    r = parse_remote_request("command", R"({"v":1,"id":"x","command":"self_destruct"})");
    CHECK(std::get<RequestError>(r).id == "x");
    CHECK(std::get<RequestError>(r).reason.find("unknown command") != std::string::npos);
    r = parse_remote_request("command", R"({"v":2,"command":"poll_now"})");
    CHECK(std::get<RequestError>(r).reason.starts_with("v:"));
    r = parse_remote_request("config", R"({"v":1})");
    CHECK(std::get<RequestError>(r).reason.starts_with("site:"));
  }

  TEST_CASE("the answer event") {
    const auto ok = nlohmann::json::parse(encode_result("gw-1", 1764100000000, "command", "a1", {}));
    CHECK(ok["ok"] == true);
    CHECK(ok["id"] == "a1");
    CHECK(!ok.contains("errors"));
    const auto bad = nlohmann::json::parse(encode_result("gw-1", 1764100000000, "config", "c", {"x.toml:1:1: y"}));
    CHECK(bad["ok"] == false);
    CHECK(bad["errors"][0] == "x.toml:1:1: y");
  }

  TEST_CASE("a hostile request is refused with its fields quoted escaped and cut") {
    const auto reason = [](std::string_view kind, const std::string& payload) {
      const auto r = parse_remote_request(kind, payload);
      REQUIRE(std::holds_alternative<RequestError>(r));
      return std::get<RequestError>(r).reason;
    };
    // GIVEN a command name holding a forged log line, and a 1 MB one
    CHECK(reason("command", R"({"v":1,"id":"x","command":"a\nERROR gateway: forged"})") ==
          "command: unknown command \"a\\nERROR gateway: forged\" (poll_now, publish_status, reset_interlock)");
    CHECK(reason("command", R"({"v":1,"command":")" + std::string(1000000, 'c') + "\"}") ==
          "command: unknown command \"" + std::string(64, 'c') + "\"...(1000000 bytes) (poll_now, publish_status, reset_interlock)");
    // AND a topic level that is no kind of request
    CHECK(reason(std::string("x\0y", 3), R"({"v":1})") == "topic: unknown request kind \"x\\0y\"");
    // AND names that are not names, an id too long to echo
    CHECK(reason("command", R"({"v":1,"command":"poll_now","device":"ch4\r1"})") ==
          "device: \"ch4\\r1\" is not a name (1 to 64 of A-Z a-z 0-9 _ -)");
    CHECK(reason("command", R"({"v":1,"command":"poll_now","device":7})") == "device: number is not a name (1 to 64 of A-Z a-z 0-9 _ -)");
    CHECK(reason("command", R"({"v":1,"command":"reset_interlock","interlock":"p\u001b[2J"})") ==
          "interlock: \"p\\x1b[2J\" is not a name (1 to 64 of A-Z a-z 0-9 _ -)");
    const auto long_id = parse_remote_request("command", R"({"v":1,"id":")" + std::string(65, 'i') + R"(","command":"publish_status"})");
    CHECK(std::get<RequestError>(long_id).id.empty());
    CHECK(std::get<RequestError>(long_id).reason.starts_with("id: \"" + std::string(64, 'i') + "\"...(65 bytes) is longer than 64 bytes"));
  }

  TEST_CASE("a request is bounded in size and depth before it is parsed") {
    // a site file of up to 1 MiB of text fits; a larger request is refused naming the bound
    const std::string site(1000000, '#');
    const auto ok = parse_remote_request("config", R"({"v":1,"id":"c","site":")" + site + "\"}");
    REQUIRE(std::holds_alternative<RemoteRequest>(ok));
    CHECK(std::get<NewSiteFile>(std::get<RemoteRequest>(ok).what).text.size() == 1000000);
    const auto big = parse_remote_request("config", R"({"v":1,"id":"c","site":")" + std::string(1048576, '#') + "\"}");
    CHECK(std::get<RequestError>(big).reason == "message: 1048602 bytes, more than the limit of 1048576");
    const auto deep = parse_remote_request("command", R"({"v":1,"command":"publish_status","x":)" +
                                                          std::string(200000, '[') + std::string(200000, ']') + "}");
    CHECK(std::get<RequestError>(deep).reason == "message: nested deeper than 8 levels of objects and arrays (the limit)");
  }
}
