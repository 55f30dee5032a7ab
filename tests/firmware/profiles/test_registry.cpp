// The table of built-in profiles (firmware/profiles/registry.cpp).
#include <doctest/doctest.h>

#include <string>

#include "firmware/profile.hpp"
#include "firmware/read_plan.hpp"

using namespace lookout::firmware;

TEST_SUITE("profiles.registry") {
  TEST_CASE("every model on the datasheets has a profile") {
    for (const auto* model : {"XJ-CH4", "XJ-GD100", "XJ-VW4", "XJ-RL80", "XJ-RG2", "XJ-IN3", "XJ-GN1", "XJ-AR4"}) {
      CAPTURE(model);
      const Profile* p = find_profile(model);
      REQUIRE(p != nullptr);
      CHECK(p->model == model);
      CHECK(p->sheet == "datasheets/" + std::string(model) + ".md");
      CHECK(static_cast<bool>(p->interpret));
      CHECK(!device_channels(*p, {}).empty());
      for (const auto& f : p->fields) CHECK(!f.cite.empty());
      // every plan keeps to the device's request limit, however much may be bridged
      for (const auto& r : plan_reads(*p, 100)) CHECK(r.count <= p->max_registers_per_request);
    }
    CHECK(supported_models().size() == 8);
    CHECK(find_profile("XJ-GD200") == nullptr);
  }

  TEST_CASE("channel names are unique within a model and fit a point id") {
    for (const auto model : supported_models()) {
      CAPTURE(model);
      const auto channels = device_channels(*find_profile(model), {});
      for (std::size_t i = 0; i < channels.size(); ++i) {
        CHECK(channels[i].channel.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos);
        for (std::size_t j = i + 1; j < channels.size(); ++j) CHECK(channels[i].channel != channels[j].channel);
      }
    }
  }
}
