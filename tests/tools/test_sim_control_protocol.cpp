// Tests for tools/sim/control_protocol.cpp: parsing and executing control lines.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tools/sim/control_protocol.hpp"
#include "tools/sim/device_factory.hpp"

using namespace lookout::sim;

namespace {

DeviceSet two_devices() {
  DeviceSet set;
  set.add(make_device("XJ-CH4", "ch4-1", 1, Seconds{0.0}));
  set.add(make_device("XJ-GD100", "gd-1", 2, Seconds{0.0}));
  return set;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("control parser: set - get - list") {
    auto r = parse_control_line("set ch4-1 ch4 1.25");
    REQUIRE(std::holds_alternative<SetCommand>(r));
    CHECK(std::get<SetCommand>(r).device == "ch4-1");
    CHECK(std::get<SetCommand>(r).field == "ch4");
    CHECK(std::get<SetCommand>(r).value == "1.25");

    r = parse_control_line("  set\tgd-1  gas   CO \r");
    REQUIRE(std::holds_alternative<SetCommand>(r));
    CHECK(std::get<SetCommand>(r).value == "CO");

    r = parse_control_line("get gd-1");
    REQUIRE(std::holds_alternative<GetCommand>(r));
    CHECK(std::get<GetCommand>(r).device == "gd-1");

    CHECK(std::holds_alternative<ListCommand>(parse_control_line("list")));
    CHECK(std::holds_alternative<ListCommand>(parse_control_line("list\r")));
  }

  TEST_CASE("control parser: malformed lines") {
    for (const auto* line : {"", "   ", "set", "set a b", "set a b c d", "get", "get a b",
                             "list x", "SET a b c", "frobnicate"}) {
      CAPTURE(line);
      CHECK(std::holds_alternative<ControlError>(parse_control_line(line)));
    }
    const std::string long_line = "get " + std::string(CONTROL_MAX_LINE, 'x');
    CHECK(std::holds_alternative<ControlError>(parse_control_line(long_line)));
  }

  TEST_CASE("control replies") {
    auto devices = two_devices();
    const Seconds t{1.0};
    CHECK(handle_control_line("set ch4-1 ch4 1.25", devices, t) == "ok");
    CHECK(handle_control_line("set ch4-1 ch4 lots", devices, t).starts_with("error: "));
    CHECK(handle_control_line("set nobody ch4 1", devices, t) == "error: unknown device 'nobody'");
    CHECK(handle_control_line("set ch4-1 colour red", devices, t).starts_with(
        "error: unknown field 'colour'"));
    CHECK(handle_control_line("bogus", devices, t).starts_with("error: unknown command"));
    CHECK(handle_control_line("get nobody", devices, t) == "error: unknown device 'nobody'");

    // get: one JSON line with state and raw words
    const auto reply = handle_control_line("get ch4-1", devices, t);
    CHECK(reply.find('\n') == std::string::npos);
    const auto j = nlohmann::json::parse(reply);
    CHECK(j["name"] == "ch4-1");
    CHECK(j["model"] == "XJ-CH4");
    CHECK(j["unit"] == 1);
    CHECK(j["state"]["ch4"] == 1.25);
    CHECK(j["registers"]["input"]["start"] == 0);
    CHECK(j["registers"]["input"]["words"] == nlohmann::json::array({125, 0, 200}));
    CHECK(j["registers"]["holding"]["start"] == 10);
    CHECK(j["registers"]["holding"]["words"] == nlohmann::json::array({100}));

    CHECK(handle_control_line("set gd-1 concentration 12.5", devices, t) == "ok");
    const auto gd = nlohmann::json::parse(handle_control_line("get gd-1", devices, t));
    CHECK(gd["registers"]["holding"]["words"][2] == 0x0000);
    CHECK(gd["registers"]["holding"]["words"][3] == 0x4148);
    CHECK(gd["state"]["gas"] == "H2S");

    const auto all = nlohmann::json::parse(handle_control_line("list", devices, t));
    REQUIRE(all["devices"].size() == 2);
    CHECK(all["devices"][0]["name"] == "ch4-1");
    CHECK(all["devices"][1]["name"] == "gd-1");
  }

  TEST_CASE("device set refuses duplicate names and unit ids") {
    DeviceSet set;
    set.add(make_device("XJ-CH4", "a", 1, Seconds{0.0}));
    CHECK_THROWS(set.add(make_device("XJ-CH4", "a", 2, Seconds{0.0})));
    CHECK_THROWS(set.add(make_device("XJ-GD100", "b", 1, Seconds{0.0})));
    CHECK(make_device("XJ-CH9", "c", 3, Seconds{0.0}) == nullptr);
    CHECK(set.find_unit(1)->name() == "a");
    CHECK(set.find("zz") == nullptr);
  }
}
