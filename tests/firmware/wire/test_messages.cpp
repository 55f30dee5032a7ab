#include <doctest/doctest.h>

#include "firmware/wire/messages.hpp"

using namespace lookout::wire;

namespace {

std::string reason_of(std::string_view payload) {
  const auto d = decode_readings(payload);
  const auto* e = std::get_if<DecodeError>(&d);
  return e ? e->reason : "";
}

}  // namespace

TEST_SUITE("wire.messages") {
  TEST_CASE("a readings batch survives encode and decode") {
    ReadingsBatch b{"gw-1", 42, 3, true, {}};
    b.readings.push_back({"ch4-1.ch4", "methane", 1.2, "%CH4", 1764100000000, Quality::good, DeviceStatus::ok});
    b.readings.push_back(
        {"gd-1.gas", "h2s", std::nullopt, "ppm", 1764100000001, Quality::bad, DeviceStatus::warming_up});
    b.readings.push_back({"ch4-2.ch4", "methane", 4.0, "%CH4", 1764100000002, Quality::uncertain,
                          DeviceStatus::over_range});
    const auto d = decode_readings(encode(b));
    REQUIRE(std::holds_alternative<ReadingsBatch>(d));
    const auto& m = std::get<ReadingsBatch>(d);
    CHECK(m.gateway == "gw-1");
    CHECK(m.seq == 42);
    CHECK(m.boot == 3);
    CHECK(m.backfill);
    REQUIRE(m.readings.size() == 3);
    CHECK(*m.readings[0].value == 1.2);
    CHECK(!m.readings[1].value);
    CHECK(m.readings[1].status == DeviceStatus::warming_up);
    CHECK(m.readings[2].is_lower_bound());
    CHECK(m.readings[2].is_valid());
    CHECK(!m.readings[1].is_valid());
  }

  TEST_CASE("malformed readings are rejected with what and where") {
    CHECK(reason_of("not json") == "message: not valid JSON");
    CHECK(reason_of("[]") == "message: expected a JSON object");
    CHECK(reason_of(R"({"v":2})").find("unsupported protocol version 2") != std::string::npos);
    CHECK(reason_of(R"({"v":1,"seq":1,"boot":1,"readings":[]})") == "gateway: missing");
    CHECK(reason_of(R"({"v":1,"gateway":"g","seq":-1,"boot":1,"readings":[]})") ==
          "seq: expected a non-negative integer");
    CHECK(reason_of(R"({"v":1,"gateway":"g","seq":1,"boot":1,"readings":[]})") == "readings: empty batch");
    const std::string head = R"({"v":1,"gateway":"g","seq":1,"boot":1,"readings":[)";
    CHECK(reason_of(head + R"({"point":"nodot","quantity":"q","value":1,"unit":"u","ts":1764100000000,"quality":"good"}]})")
              .starts_with("readings[0].point"));
    CHECK(reason_of(head + R"({"point":"a.b","quantity":"q","value":"1","unit":"u","ts":1764100000000,"quality":"good"}]})") ==
          "readings[0].value: expected a number or null");
    CHECK(reason_of(head + R"({"point":"a.b","quantity":"q","value":1,"unit":"u","ts":17,"quality":"good"}]})")
              .find("not a plausible UTC time") != std::string::npos);
    CHECK(reason_of(head + R"({"point":"a.b","quantity":"q","value":1,"unit":"u","ts":1764100000000,"quality":"fine"}]})")
              .starts_with("readings[0].quality"));
    CHECK(reason_of(head + R"({"point":"a.b","quantity":"q","value":null,"unit":"u","ts":1764100000000,"quality":"good"}]})")
              .starts_with("readings[0].value: null with quality good"));
    CHECK(reason_of(head + R"({"point":"a.b","quantity":"q","value":1,"unit":"u","ts":1764100000000,"quality":"bad","status":"offline"}]})")
              .starts_with("readings[0].value: a bad reading carries no value"));
    CHECK(reason_of(head + R"({"point":"a.b","quantity":"q","value":null,"unit":"u","ts":1764100000000,"quality":"bad"}]})") ==
          "readings[0].status: required when quality is bad");
    CHECK(reason_of(head + R"({"point":"a.b","quantity":"q","value":null,"unit":"u","ts":1764100000000,"quality":"bad","status":"gone"}]})")
              .starts_with("readings[0].status: unknown device status"));
  }

  TEST_CASE("status and alarm messages round-trip") {
    GatewayStatus s;
    s.gateway = "gw-1";
    s.online = true;
    s.firmware = "0.1.0";
    s.boot = 2;
    s.uptime_s = 60;
    s.ts_ms = 1764100000000;
    s.site_hash = "abc";
    s.outbox_batches = 3;
    s.dropped_readings = 7;
    s.devices["ch4-1"] = {"online", 10, 1, 1, 0, 0, 4, 1, "rs485-1"};
    s.buses["rs485-1"] = {1, 1, 10, 1, 1, 0, 0, 4, 1};
    s.interlocks["face-power"] = "awaiting_reset";
    const auto ds = decode_status(encode(s));
    REQUIRE(std::holds_alternative<GatewayStatus>(ds));
    CHECK(std::get<GatewayStatus>(ds).devices.at("ch4-1").errors == 1);
    CHECK(std::get<GatewayStatus>(ds).devices.at("ch4-1").timeouts == 1);
    CHECK(std::get<GatewayStatus>(ds).devices.at("ch4-1").bus == "rs485-1");
    CHECK(std::get<GatewayStatus>(ds).devices.at("ch4-1").writes == 4);
    CHECK(std::get<GatewayStatus>(ds).devices.at("ch4-1").write_errors == 1);
    CHECK(std::get<GatewayStatus>(ds).buses.at("rs485-1").polls == 10);
    CHECK(std::get<GatewayStatus>(ds).buses.at("rs485-1").writes == 4);
    CHECK(std::get<GatewayStatus>(ds).interlocks.at("face-power") == "awaiting_reset");
    CHECK(std::get<GatewayStatus>(ds).outbox_batches == 3);
    CHECK(std::get<GatewayStatus>(ds).dropped_readings == 7);
    GatewayStatus gone;
    gone.gateway = "gw-1";
    const auto will = decode_status(encode(gone));
    REQUIRE(std::holds_alternative<GatewayStatus>(will));
    CHECK(!std::get<GatewayStatus>(will).online);

    AlarmMessage a{"e", "s", "ch4-1.ch4", "methane", Level::orange, "active_unacknowledged", "methane.working_face",
                   1.2, "%CH4", 1764100000000, 1764100000000};
    const auto da = decode_alarm(encode(a));
    REQUIRE(std::holds_alternative<AlarmMessage>(da));
    CHECK(std::get<AlarmMessage>(da).level == Level::orange);
    CHECK(*std::get<AlarmMessage>(da).value == 1.2);
  }

  TEST_CASE("names and point ids") {
    CHECK(is_valid_point_id("ch4-1.ch4"));
    CHECK(!is_valid_point_id("ch4-1"));
    CHECK(!is_valid_point_id("a.b.c"));
    CHECK(!is_valid_point_id("a/b.c"));
    CHECK(!is_valid_name("a+b"));
    CHECK(!is_valid_name(std::string(65, 'a')));
  }
}
