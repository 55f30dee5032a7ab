// Tests for tools/sim/device.cpp: the control fields every device has.
#include <doctest/doctest.h>

#include "tools/sim/device_factory.hpp"

using namespace lookout::sim;

TEST_SUITE("sim") {
  TEST_CASE("device: every model has connected and garbage and lists them in errors") {
    for (const auto model : known_models()) {
      CAPTURE(model);
      auto d = make_device(model, "d", 1, Seconds{0.0});
      REQUIRE(d);
      CHECK(d->model() == model);
      CHECK(d->connected());
      CHECK_FALSE(d->garbage());
      CHECK_FALSE(d->set_field("connected", "0", Seconds{0.0}));
      CHECK_FALSE(d->set_field("garbage", "1", Seconds{0.0}));
      CHECK_FALSE(d->connected());
      CHECK(d->garbage());
      const auto j = d->to_json(Seconds{0.0});
      CHECK(j["connected"] == false);
      CHECK(j["garbage"] == true);
      CHECK(j["model"] == model);
      CHECK(d->set_field("connected", "yes", Seconds{0.0}) == "connected wants 0|1, got 'yes'");
      const auto error = d->set_field("colour", "red", Seconds{0.0});
      REQUIRE(error);
      CHECK(error->starts_with("unknown field 'colour' for " + std::string(model)));
      CHECK(error->ends_with("connected, garbage, truncated, delay_ms)"));
      // every field the model lists is one it knows
      for (const auto field : d->fields()) {
        CAPTURE(field);
        const auto e = d->set_field(field, "not-a-value", Seconds{0.0});
        CHECK((!e || e->find("unknown field") == std::string::npos));
      }
    }
  }

  TEST_CASE("device: truncated and delay_ms make a device that sends half its replies or answers late") {
    auto d = make_device("XJ-CH4", "ch4", 1, Seconds{0.0});
    REQUIRE(d);
    CHECK_FALSE(d->truncated());
    CHECK(d->delay_ms() == 0);
    CHECK_FALSE(d->set_field("truncated", "1", Seconds{0.0}));
    CHECK_FALSE(d->set_field("delay_ms", "600", Seconds{0.0}));
    CHECK(d->truncated());
    CHECK(d->delay_ms() == 600);
    const auto j = d->to_json(Seconds{0.0});
    CHECK(j["truncated"] == true);
    CHECK(j["delay_ms"] == 600);
    // bounded, whole numbers only; a refused value leaves the last one
    CHECK(d->set_field("delay_ms", "10001", Seconds{0.0}) == "delay_ms wants 0..10000, got '10001'");
    CHECK(d->set_field("delay_ms", "-1", Seconds{0.0}) == "delay_ms wants 0..10000, got '-1'");
    CHECK(d->set_field("delay_ms", "1.5", Seconds{0.0}) == "delay_ms wants 0..10000, got '1.5'");
    CHECK(d->delay_ms() == 600);
  }

  TEST_CASE("device: the XJ-AR4 get answer carries its coils") {
    auto d = make_device("XJ-AR4", "ar", 3, Seconds{0.0});
    CHECK_FALSE(d->set_field("siren", "1", Seconds{0.0}));
    const auto j = d->to_json(Seconds{0.0});
    CHECK(j["registers"]["coils"]["start"] == 0);
    CHECK(j["registers"]["coils"]["bits"] == nlohmann::json::array({1, 0, 0, 0}));
    CHECK(j["registers"]["input"]["words"] == nlohmann::json::array({0}));
  }
}
