#include <doctest/doctest.h>

#include <stdexcept>

#include "firmware/profiles/profiles.hpp"
#include "firmware/read_plan.hpp"

using namespace lookout::firmware;

TEST_SUITE("read_plan") {
  TEST_CASE("XJ-GD100: all twelve holding registers in one request") {
    const auto plan = plan_reads(profiles::xj_gd100(), 8);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].kind == RegisterKind::holding);
    CHECK(plan[0].start == 0);
    CHECK(plan[0].count == 12);
  }

  TEST_CASE("XJ-CH4: input registers 0-2 in one request") {
    const auto plan = plan_reads(profiles::xj_ch4(), 8);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].kind == RegisterKind::input);
    CHECK(plan[0].count == 3);
  }

  TEST_CASE("gaps wider than allowed split the request: the device limit is kept") {
    Profile p;
    p.fields = {{"a", RegisterKind::holding, 0, ValueType::u16, WordOrder::abcd, 1, ""},
                {"b", RegisterKind::holding, 10, ValueType::f32, WordOrder::cdab, 1, ""},
                {"c", RegisterKind::input, 0, ValueType::u16, WordOrder::abcd, 1, ""}};
    p.max_registers_per_request = 125;
    CHECK(plan_reads(p, 8).size() == 3);   // gap of 9 > 8
    CHECK(plan_reads(p, 9).size() == 2);   // bridged; input registers apart
    p.max_registers_per_request = 8;
    CHECK(plan_reads(p, 20).size() == 3);  // 12 registers would exceed 8
  }

  TEST_CASE("decode_fields takes each field from its request") {
    const Profile p = profiles::xj_ch4();
    const auto plan = plan_reads(p, 8);
    const auto f = decode_fields(p, plan, {{120, 0, static_cast<std::uint16_t>(-35)}});
    CHECK(f.get("ch4_raw") == 120);
    CHECK(f.get("status") == 0);
    CHECK(f.get("temperature") == doctest::Approx(-3.5));
  }
}

TEST_SUITE("read_plan") {
  TEST_CASE("coils are planned apart from registers - one word per coil") {
    Profile p;
    p.fields = {{"siren", RegisterKind::coil, 0, ValueType::u16, WordOrder::abcd, 1, ""},
                {"beacon", RegisterKind::coil, 1, ValueType::u16, WordOrder::abcd, 1, ""},
                {"x", RegisterKind::holding, 0, ValueType::u16, WordOrder::abcd, 1, ""}};
    const auto plan = plan_reads(p, 8);
    REQUIRE(plan.size() == 2);
    CHECK(plan[1].kind == RegisterKind::coil);
    CHECK(plan[1].count == 2);
    const auto f = decode_fields(p, plan, {{7}, {1, 0}});
    CHECK(f.get("siren") == 1);
    CHECK(f.get("beacon") == 0);
  }

  TEST_CASE("a coil field of more than one word is refused") {
    Profile p;
    p.fields = {{"bad", RegisterKind::coil, 0, ValueType::u32, WordOrder::abcd, 1, ""}};
    CHECK_THROWS_AS(plan_reads(p, 8), std::invalid_argument);
  }

  TEST_CASE("XJ-VW4 16 and XJ-RL80 8: the sheets' request limits hold whatever the gap") {
    for (const auto* model : {"XJ-VW4", "XJ-RL80"}) {
      CAPTURE(model);
      const Profile* p = find_profile(model);
      REQUIRE(p != nullptr);
      for (const int gap : {0, 8, 125}) {
        for (const auto& r : plan_reads(*p, gap)) CHECK(r.count <= p->max_registers_per_request);
      }
    }
    CHECK(find_profile("XJ-VW4")->max_registers_per_request == 16);
    CHECK(find_profile("XJ-RL80")->max_registers_per_request == 8);
  }
}
