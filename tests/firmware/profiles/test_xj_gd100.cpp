// XJ-GD100 decoding, from datasheets/XJ-GD100.md.
#include <doctest/doctest.h>

#include <cmath>

#include "firmware/profiles/profiles.hpp"
#include "firmware/read_plan.hpp"

using namespace lookout::firmware;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;

namespace {

struct Gd100Registers {
  std::uint16_t status = 0x0002;  // bit1 monitoring
  std::uint16_t gas_code = 2;     // H2S
  float concentration = 0.0f;
  std::uint16_t unit_code = 1;    // ppm
  std::uint16_t fault_code = 0;
  float alarm1 = 10.0f;
  float alarm2 = 20.0f;
  std::uint32_t run_hours = 70000;

  /// Holding registers 0-11 as the sheet lays them out (float32 and uint32 CDAB).
  std::vector<std::uint16_t> words() const {
    std::vector<std::uint16_t> w(12, 0);
    w[0] = status;
    w[1] = gas_code;
    encode_f32(concentration, WordOrder::cdab, &w[2]);
    w[4] = unit_code;
    w[5] = fault_code;
    encode_f32(alarm1, WordOrder::cdab, &w[6]);
    encode_f32(alarm2, WordOrder::cdab, &w[8]);
    encode_u32(run_hours, WordOrder::cdab, &w[10]);
    return w;
  }
};

ChannelValue read_gd100(const Gd100Registers& r) {
  const Profile p = profiles::xj_gd100();
  const auto plan = plan_reads(p, 8);
  const auto fields = decode_fields(p, plan, {r.words()});
  CHECK(fields.get("run_hours") == 70000);
  CHECK(fields.get("alarm1_setpoint") == 10.0);
  DeviceState state;
  const auto v = p.interpret(fields, {}, state);
  REQUIRE(v.size() == 1);
  return v[0];
}

}  // namespace

TEST_SUITE("profiles.xj_gd100") {
  TEST_CASE("normal H2S reading in ppm") {
    Gd100Registers r;
    r.concentration = 8.5f;
    const auto v = read_gd100(r);
    CHECK(v.channel == "gas");
    CHECK(v.quantity == "h2s");
    CHECK(v.unit == "ppm");
    CHECK(v.quality == Quality::good);
    CHECK(*v.value == 8.5);
  }

  TEST_CASE("gas and unit codes name the quantity and unit") {
    Gd100Registers r;
    r.gas_code = 1;
    r.unit_code = 0;
    r.concentration = 30.0f;
    CHECK(read_gd100(r).quantity == "combustible");
    CHECK(read_gd100(r).unit == "%LEL");
    r.gas_code = 4;
    r.unit_code = 2;
    r.concentration = 20.9f;
    CHECK(read_gd100(r).quantity == "o2");
    CHECK(read_gd100(r).unit == "%VOL");
    CHECK(*read_gd100(r).value == doctest::Approx(20.9));
    for (const auto& [code, name] : std::vector<std::pair<int, std::string>>{{3, "co"}, {5, "nh3"}, {6, "cl2"}}) {
      r.gas_code = static_cast<std::uint16_t>(code);
      r.unit_code = 1;
      CHECK(read_gd100(r).quantity == name);
    }
  }

  TEST_CASE("warming up: bit0 - concentration NaN") {
    Gd100Registers r;
    r.status = 0x0001;
    r.concentration = std::nanf("");
    const auto v = read_gd100(r);
    CHECK(v.quality == Quality::bad);
    CHECK(v.status == DeviceStatus::warming_up);
    CHECK(!v.value);
  }

  TEST_CASE("calibration (bit2) and inhibit (bit3): test gas is not a measurement") {
    Gd100Registers r;
    r.concentration = 50.0f;
    r.status = 0x0004;
    CHECK(read_gd100(r).status == DeviceStatus::calibration);
    CHECK(read_gd100(r).quality == Quality::bad);
    CHECK(!read_gd100(r).value);
    r.status = 0x0008;
    CHECK(read_gd100(r).status == DeviceStatus::inhibited);
    CHECK(!read_gd100(r).value);
  }

  TEST_CASE("over range: fault_code 4 - clamped at full scale - at least full scale") {
    Gd100Registers r;
    r.status = 0x0012;
    r.fault_code = 4;
    r.concentration = 100.0f;
    const auto v = read_gd100(r);
    CHECK(v.quality == Quality::uncertain);
    CHECK(v.status == DeviceStatus::over_range);
    CHECK(*v.value == 100.0);
    // fault_code 4 without bit4 is still over range
    r.status = 0x0002;
    CHECK(read_gd100(r).status == DeviceStatus::over_range);
  }

  TEST_CASE("bit4 with fault_code 3: calibration expired still measures") {
    Gd100Registers r;
    r.status = 0x0012;
    r.fault_code = 3;
    r.concentration = 3.0f;
    const auto v = read_gd100(r);
    CHECK(v.quality == Quality::uncertain);
    CHECK(v.status == DeviceStatus::calibration_expired);
    CHECK(*v.value == 3.0);
  }

  TEST_CASE("bit4 with element or loop fault: no value") {
    Gd100Registers r;
    r.status = 0x0012;
    r.fault_code = 1;
    CHECK(read_gd100(r).status == DeviceStatus::sensor_fault);
    CHECK(!read_gd100(r).value);
    r.fault_code = 2;
    CHECK(read_gd100(r).status == DeviceStatus::loop_fault);
  }

  TEST_CASE("maintenance due (bit5) still measures") {
    Gd100Registers r;
    r.status = 0x0022;
    r.concentration = 1.0f;
    CHECK(read_gd100(r).quality == Quality::good);
    CHECK(read_gd100(r).status == DeviceStatus::maintenance_due);
  }

  TEST_CASE("undefined gas or unit code - or NaN without a reason - is an invalid response") {
    Gd100Registers r;
    r.gas_code = 9;
    CHECK(read_gd100(r).status == DeviceStatus::invalid_response);
    r = Gd100Registers{};
    r.unit_code = 7;
    CHECK(read_gd100(r).status == DeviceStatus::invalid_response);
    r = Gd100Registers{};
    r.concentration = std::nanf("");
    CHECK(read_gd100(r).status == DeviceStatus::invalid_response);
    CHECK(read_gd100(r).quality == Quality::bad);
  }
}
