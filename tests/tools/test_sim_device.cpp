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
      CHECK(error->ends_with("connected, garbage)"));
      // every field the model lists is one it knows
      for (const auto field : d->fields()) {
        CAPTURE(field);
        const auto e = d->set_field(field, "not-a-value", Seconds{0.0});
        CHECK((!e || e->find("unknown field") == std::string::npos));
      }
    }
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
