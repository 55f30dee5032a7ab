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
}
