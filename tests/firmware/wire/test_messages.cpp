#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "firmware/wire/bounds.hpp"
#include "firmware/wire/messages.hpp"

using namespace lookout::wire;

namespace {

std::string reason_of(std::string_view payload) {
  const auto d = decode_readings(payload);
  const auto* e = std::get_if<DecodeError>(&d);
  return e ? e->reason : "";
}

bool has_control(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

/// One good reading with `key` set to `value` (added, or in place of its own).
nlohmann::json reading_with(const std::string& key, nlohmann::json value) {
  nlohmann::json r{{"point", "ch4-1.ch4"}, {"quantity", "methane"}, {"value", nullptr}, {"unit", "%CH4"},
                   {"ts", 1764100000000},  {"quality", "bad"},      {"status", "offline"}};
  r[key] = std::move(value);
  return r;
}

std::string batch_of(const nlohmann::json& reading) {
  return nlohmann::json{{"v", 1}, {"gateway", "gw-1"}, {"seq", 1}, {"boot", 1}, {"readings", {reading}}}.dump();
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

  TEST_CASE("a gateway's storage fault travels in its status - without it there is none") {
    GatewayStatus s;
    s.gateway = "gw-1";
    s.online = true;
    s.firmware = "0.1.0";
    s.ts_ms = 1764100000000;
    s.site_hash = "abc";
    s.storage.held_max = 100000;
    // no fault: "none", and neither error nor since on the wire
    auto j = nlohmann::json::parse(encode(s));
    CHECK(j["storage"] == nlohmann::json::parse(
                              R"({"fault":"none","held":0,"held_max":100000,"dropped":0,"latched_saved":true})"));
    s.storage = {"disk_full", std::string(1000, 'x'), 1764100000500, 412, 100000, 3, false};
    const auto d = decode_status(encode(s));
    REQUIRE(std::holds_alternative<GatewayStatus>(d));
    const auto& got = std::get<GatewayStatus>(d).storage;
    CHECK(got.faulty());
    CHECK(got.fault == "disk_full");
    CHECK(got.since_ms == 1764100000500);
    CHECK(got.held == 412);
    CHECK(got.dropped == 3);
    CHECK_FALSE(got.latched_saved);
    CHECK(got.error.starts_with("xxxx"));  // cut to fit a text field
    CHECK(got.error.size() <= 256);
    // an older gateway's status has none: no fault
    const auto old = decode_status(R"({"v":1,"gateway":"gw-1","online":true,"firmware":"0.1.0","boot":1,"uptime_s":5,"ts":1764100000000,"site_hash":"x"})");
    REQUIRE(std::holds_alternative<GatewayStatus>(old));
    CHECK_FALSE(std::get<GatewayStatus>(old).storage.faulty());
    // a fault without its time is refused
    CHECK(std::holds_alternative<DecodeError>(decode_status(
        R"({"v":1,"gateway":"gw-1","online":true,"firmware":"0.1.0","boot":1,"uptime_s":5,"ts":1764100000000,"site_hash":"x",)"
        R"("storage":{"fault":"disk_full","held":1,"held_max":100,"dropped":0,"error":"e"}})")));
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

  // Found by tests/fuzz/fuzz_status: an uptime_s above 2^63-1 (valid JSON, an unsigned
  // number) was read as a negative uptime, which encode wrote and decode then refused.
  TEST_CASE("an uptime above 2^63-1 s is refused naming the field - never read as a negative one") {
    const auto d = decode_status(
        R"({"v":1,"gateway":"gw-1","online":true,"firmware":"0.1.0","boot":4,"uptime_s":17641106999999911010,)"
        R"("ts":1764110611010,"site_hash":"9f0c2d51a3b7e410"})");
    REQUIRE(std::holds_alternative<DecodeError>(d));
    CHECK(std::get<DecodeError>(d).reason.starts_with("uptime_s"));
  }

  TEST_CASE("names and point ids") {
    CHECK(is_valid_point_id("ch4-1.ch4"));
    CHECK(!is_valid_point_id("ch4-1"));
    CHECK(!is_valid_point_id("a.b.c"));
    CHECK(!is_valid_point_id("a/b.c"));
    CHECK(!is_valid_name("a+b"));
    CHECK(!is_valid_name(std::string(65, 'a')));
  }

  TEST_CASE("a hostile field is quoted and escaped and cut in the reason") {
    const std::string forged = "x\n2026-11-25T22:21:02.513Z ERROR alarms: forged";
    // GIVEN status, point, quantity, quality and gateway holding a newline, a NUL, an ESC
    for (const auto& key : {"status", "point", "quantity", "quality"}) {
      const auto reason = reason_of(batch_of(reading_with(key, forged)));
      CAPTURE(key);
      CAPTURE(reason);
      CHECK(reason.starts_with(std::string("readings[0].") + key + ": "));
      CHECK(!has_control(reason));
      CHECK(reason.find("\\n2026-11-25") != std::string::npos);  // shown as \n
    }
    auto gw = nlohmann::json::parse(batch_of(reading_with("status", "offline")));
    gw["gateway"] = std::string("gw\0-1\x1b[2J", 9);
    const auto reason = reason_of(gw.dump());
    CHECK(reason == "gateway: \"gw\\0-1\\x1b[2J\" is not a valid gateway id (1 to 64 of A-Z a-z 0-9 _ -)");
    // AND a 1 MB status is cut to 64 bytes with its length
    const auto big = reason_of(batch_of(reading_with("status", std::string(1048576, 's'))));
    CHECK(big == "readings[0].status: unknown device status \"" + std::string(64, 's') + "\"...(1048576 bytes)");
    // AND a quote in a field cannot seem to end it early
    CHECK(reason_of(batch_of(reading_with("status", "a\" ok"))) ==
          "readings[0].status: unknown device status \"a\\\" ok\"");
  }

  TEST_CASE("field lengths are bounded and the error names the bound") {
    CHECK(reason_of(batch_of(reading_with("unit", std::string(17, 'u')))) ==
          "readings[0].unit: 17 bytes, longer than the limit of 16 (\"uuuuuuuuuuuuuuuuu\")");
    CHECK(reason_of(batch_of(reading_with("unit", std::string(16, 'u')))).empty());
    CHECK(reason_of(batch_of(reading_with("quantity", std::string(65, 'q')))).starts_with(
        "readings[0].quantity: \"" + std::string(64, 'q') + "\"...(65 bytes) is not a valid quantity"));
    CHECK(reason_of(batch_of(reading_with("quantity", "water level"))).starts_with("readings[0].quantity:"));
    CHECK(reason_of(batch_of(reading_with("point", std::string(64, 'd') + "." + std::string(64, 'c')))).empty());
    CHECK(reason_of(batch_of(reading_with("point", std::string(65, 'd') + "." + std::string(64, 'c'))))
              .starts_with("readings[0].point: 130 bytes, longer than the limit of 129"));
    // a status's device and interlock names are names, its texts bounded
    const std::string head = R"({"v":1,"gateway":"gw-1","online":true,"firmware":"1","boot":1,"uptime_s":1,"ts":1764100000000,"site_hash":"")";
    const auto status_reason = [](const std::string& payload) {
      const auto d = decode_status(payload);
      const auto* e = std::get_if<DecodeError>(&d);
      return e ? e->reason : "";
    };
    CHECK(status_reason(head + R"(,"devices":{"ch4\n1":{"state":"online","polls":1,"errors":0}}})") ==
          "devices: \"ch4\\n1\" is not a valid device name (1 to 64 of A-Z a-z 0-9 _ -)");
    CHECK(status_reason(head + R"(,"interlocks":{"p\u001b":"idle"}})") ==
          "interlocks: \"p\\x1b\" is not a valid interlock name (1 to 64 of A-Z a-z 0-9 _ -)");
    CHECK(status_reason(head + R"(,"firmware":")" + std::string(300, 'f') + "\"}").starts_with(
        "firmware: 300 bytes, longer than the limit of 256"));
    CHECK(status_reason(head + R"(,"devices":{"ch4-1":{"state":"online","polls":1,"errors":0}}})").empty());
  }

  TEST_CASE("unknown keys are ignored within the size and depth bounds") {
    // GIVEN a batch with keys this version does not know, at the top and in a reading
    auto j = nlohmann::json::parse(batch_of(reading_with("note", {{"by", "a later version"}, {"list", {1, 2, {{"x", 3}}}}})));
    j["future"] = {{"a", {1, 2, 3}}};
    // THEN it is read as if they were not there
    const auto d = decode_readings(j.dump());
    REQUIRE(std::holds_alternative<ReadingsBatch>(d));
    const auto& b = std::get<ReadingsBatch>(d);
    REQUIRE(b.readings.size() == 1);
    CHECK(b.readings[0].point == "ch4-1.ch4");
    CHECK(b.readings[0].status == DeviceStatus::offline);
    // AND nothing of them is kept: what is stored is what encode writes back
    CHECK(encode(b).find("future") == std::string::npos);
    CHECK(encode(b).find("later version") == std::string::npos);
    // WHEN an unknown key holds a 200000-deep array THEN the valid batch is refused, naming the bound
    const std::string deep = R"({"v":1,"gateway":"gw-1","seq":1,"boot":1,"junk":)" + std::string(200000, '[') +
                             std::string(200000, ']') + R"(,"readings":[)" + reading_with("status", "offline").dump() + "]}";
    CHECK(reason_of(deep) == "message: nested deeper than 8 levels of objects and arrays (the limit)");
    // AND a status's unknown keys alike
    const auto deep_status = decode_status(R"({"v":1,"gateway":"gw-1","online":false,"x":)" + std::string(9, '[') +
                                           std::string(9, ']') + "}");
    REQUIRE(std::holds_alternative<DecodeError>(deep_status));
    CHECK(std::get<DecodeError>(deep_status).reason.starts_with("message: nested deeper than 8"));
  }

  TEST_CASE("the largest batch a gateway can make fits the size bound") {
    // GIVEN 10000 readings with every field at its longest (a unit of 16 control characters
    // is six bytes each in JSON) and the longest value and status
    ReadingsBatch b{std::string(64, 'g'), 18446744073709551615ull, 18446744073709551615ull, true, {}};
    const std::string point = std::string(64, 'd') + "." + std::string(64, 'c');
    for (std::size_t i = 0; i < MAX_READINGS_PER_BATCH; ++i) {
      b.readings.push_back({point, std::string(64, 'q'), -1.2345678901234567e-300, std::string(16, '\x01'),
                            7258118399999, Quality::uncertain, DeviceStatus::calibration_expired});
    }
    const std::string payload = encode(b);
    CAPTURE(payload.size());
    // THEN it is within MAX_MESSAGE_BYTES and is read whole
    CHECK(payload.size() <= MAX_MESSAGE_BYTES);
    const auto d = decode_readings(payload);
    REQUIRE(std::holds_alternative<ReadingsBatch>(d));
    CHECK(std::get<ReadingsBatch>(d).readings.size() == MAX_READINGS_PER_BATCH);
    // AND one reading more is refused by count, not by size
    b.readings.push_back(b.readings.back());
    CHECK(reason_of(encode(b)) == "readings: 10001 readings, more than the limit of 10000");
  }
}

TEST_SUITE("wire.delivery") {
  TEST_CASE("an acknowledgement round-trips with and without a request to send again") {
    using namespace lookout::wire;
    const auto plain = decode_ack(encode(DeliveryAck{1042, std::nullopt}));
    REQUIRE(std::holds_alternative<DeliveryAck>(plain));
    CHECK(std::get<DeliveryAck>(plain).stored == 1042);
    CHECK(!std::get<DeliveryAck>(plain).resend_from);
    const auto ask = decode_ack(R"({"v":1,"stored":1042,"resend_from":1043})");
    REQUIRE(std::holds_alternative<DeliveryAck>(ask));
    CHECK(std::get<DeliveryAck>(ask).resend_from == 1043u);
  }

  TEST_CASE("an acknowledgement that makes no sense is refused naming the field") {
    using namespace lookout::wire;
    const auto check = [](const char* payload, const char* field) {
      const auto d = decode_ack(payload);
      REQUIRE(std::holds_alternative<DecodeError>(d));
      CHECK_MESSAGE(std::get<DecodeError>(d).reason.starts_with(field), std::get<DecodeError>(d).reason);
    };
    check(R"({"v":1})", "stored");
    check(R"({"v":1,"stored":-1})", "stored");
    check(R"({"v":1,"stored":5,"resend_from":5})", "resend_from");
    check(R"({"v":1,"stored":"5"})", "stored");
    check(R"({"v":1,"stored":0,"renumber_after":-3})", "renumber_after");
    check(R"({"v":1,"stored":0,"resend_from":4,"renumber_after":3})", "renumber_after");
  }

  TEST_CASE("a request to renumber round-trips - stored 0 with it") {
    using namespace lookout::wire;
    const auto d = decode_ack(encode(DeliveryAck{0, std::nullopt, 5000}));
    REQUIRE(std::holds_alternative<DeliveryAck>(d));
    CHECK(std::get<DeliveryAck>(d).stored == 0);
    CHECK(std::get<DeliveryAck>(d).renumber_after == 5000u);
    CHECK(!std::get<DeliveryAck>(decode_ack(encode(DeliveryAck{7, std::nullopt}))).renumber_after);
  }

  TEST_CASE("a batch names its outbox's epoch - from 1 to 2^53 - 1") {
    using namespace lookout::wire;
    const std::string readings =
        R"([{"point":"ch4-1.ch4","quantity":"methane","value":0.5,"unit":"%CH4","ts":1764110611123,"quality":"good"}])";
    const auto d = decode_readings(encode_readings_batch("gw-1", 9, 1, false, readings, 7, MAX_EPOCH));
    REQUIRE(std::holds_alternative<ReadingsBatch>(d));
    CHECK(std::get<ReadingsBatch>(d).epoch == MAX_EPOCH);
    CHECK(!std::get<ReadingsBatch>(decode_readings(encode_readings_batch("gw-1", 9, 1, false, readings))).epoch);
    for (const char* bad : {"0", "9007199254740992", "-1", "\"7\""}) {
      const auto e = decode_readings(std::string(R"({"v":1,"gateway":"gw-1","seq":9,"boot":1,"epoch":)") + bad +
                                     ",\"readings\":" + readings + "}");
      REQUIRE_MESSAGE(std::holds_alternative<DecodeError>(e), bad);
      CHECK_MESSAGE(std::get<DecodeError>(e).reason.starts_with("epoch"), std::get<DecodeError>(e).reason);
    }
  }

  TEST_CASE("a batch says the oldest seq its gateway keeps - never after its own") {
    using namespace lookout::wire;
    const std::string readings =
        R"([{"point":"ch4-1.ch4","quantity":"methane","value":0.5,"unit":"%CH4","ts":1764110611123,"quality":"good"}])";
    const auto d = decode_readings(encode_readings_batch("gw-1", 9, 1, false, readings, 7));
    REQUIRE(std::holds_alternative<ReadingsBatch>(d));
    CHECK(std::get<ReadingsBatch>(d).oldest == 7u);
    const auto none = decode_readings(encode_readings_batch("gw-1", 9, 1, false, readings));
    REQUIRE(std::holds_alternative<ReadingsBatch>(none));
    CHECK(!std::get<ReadingsBatch>(none).oldest);
    const auto bad = decode_readings(encode_readings_batch("gw-1", 9, 1, false, readings, 10));
    REQUIRE(std::holds_alternative<DecodeError>(bad));
    CHECK(std::get<DecodeError>(bad).reason.starts_with("oldest"));
  }
}
