// XJ-IN3 decoding and conversion, from datasheets/XJ-IN3.md.
#include <doctest/doctest.h>

#include "firmware/profiles/profiles.hpp"
#include "firmware/read_plan.hpp"
#include "tests/firmware/profiles/device_registers.hpp"

using namespace lookout::firmware;
using namespace lookout::firmware::testing;
using lookout::wire::DeviceStatus;
using lookout::wire::Quality;

namespace {

/// Input registers: tilts int32 CDAB x0.001 deg, temperature int16 x0.1, status.
std::vector<ChannelValue> read_in3(std::int32_t x_mdeg, std::int32_t y_mdeg, std::uint16_t status,
                                   const DeviceOptions& o = {}) {
  DeviceRegisters r;
  r.set_u32(r.input, 0, static_cast<std::uint32_t>(x_mdeg), WordOrder::cdab);
  r.set_u32(r.input, 2, static_cast<std::uint32_t>(y_mdeg), WordOrder::cdab);
  r.input[4] = static_cast<std::uint16_t>(std::int16_t{-25});
  r.input[5] = status;
  DeviceState s;
  return poll_registers(profiles::xj_in3(), r, o, s);
}

/// The sheet's example segment: L = 0.5 m (500 mm), theta0 = 0.250 deg on both axes.
DeviceOptions example_segment() {
  DeviceOptions o;
  o.set("segment_length_mm", 500.0);
  o.set("zero_tilt_x", 0.25);
  o.set("zero_tilt_y", 0.25);
  return o;
}

}  // namespace

TEST_SUITE("profiles.xj_in3") {
  TEST_CASE("tilts are int32 CDAB x0.001 deg - signed - and temperature int16 x0.1") {
    const auto v = read_in3(1250, -12345, 0);
    CHECK(channel_of(v, "tilt_x").quantity == "tilt");
    CHECK(channel_of(v, "tilt_x").unit == "deg");
    CHECK(*channel_of(v, "tilt_x").value == doctest::Approx(1.250));
    CHECK(*channel_of(v, "tilt_y").value == doctest::Approx(-12.345));
    CHECK(*channel_of(v, "temperature").value == doctest::Approx(-2.5));
    CHECK(!has_channel(v, "dx"));  // no segment length: no displacement
  }

  TEST_CASE("the sheet's example: L = 0.5 m from 0.250 deg to 1.250 deg moves 8.726 mm") {
    const auto v = read_in3(1250, 250, 0, example_segment());
    CHECK(channel_of(v, "dx").quantity == "displacement");
    CHECK(channel_of(v, "dx").unit == "mm");
    CHECK(channel_of(v, "dx").quality == Quality::good);
    CHECK(*channel_of(v, "dx").value == doctest::Approx(8.726).epsilon(1e-4));
    CHECK(*channel_of(v, "dy").value == doctest::Approx(0.0));
  }

  TEST_CASE("status 1 out of range: the axis at +-30 is at least full scale - the other still good") {
    const auto v = read_in3(-30000, 2000, 1, example_segment());
    CHECK(channel_of(v, "tilt_x").quality == Quality::uncertain);
    CHECK(channel_of(v, "tilt_x").status == DeviceStatus::over_range);
    CHECK(*channel_of(v, "tilt_x").value == doctest::Approx(-30.0));
    CHECK(channel_of(v, "dx").status == DeviceStatus::over_range);
    CHECK(channel_of(v, "tilt_y").quality == Quality::good);
    CHECK(channel_of(v, "dy").quality == Quality::good);
    // AND out of range with neither axis at the limit is no value
    const auto w = read_in3(1000, 2000, 1);
    CHECK(channel_of(w, "tilt_x").status == DeviceStatus::invalid_response);
    CHECK(channel_of(w, "tilt_y").status == DeviceStatus::invalid_response);
    CHECK(!channel_of(w, "tilt_x").value);
  }

  TEST_CASE("status 2 sensor fault: no tilt and no displacement") {
    const auto v = read_in3(1250, 250, 2, example_segment());
    for (const auto* name : {"tilt_x", "tilt_y", "dx", "dy"}) {
      CAPTURE(name);
      CHECK(channel_of(v, name).quality == Quality::bad);
      CHECK(channel_of(v, name).status == DeviceStatus::sensor_fault);
      CHECK(!channel_of(v, name).value);
    }
    CHECK(channel_of(v, "temperature").quality == Quality::good);
  }

  TEST_CASE("beyond +-30.000 deg with status 0 and undefined statuses are invalid responses") {
    CHECK(channel_of(read_in3(30001, 0, 0), "tilt_x").status == DeviceStatus::invalid_response);
    CHECK(channel_of(read_in3(30000, 0, 0), "tilt_x").quality == Quality::good);
    const auto v = read_in3(0, 0, 3);
    CHECK(channel_of(v, "tilt_x").status == DeviceStatus::invalid_response);
    CHECK(channel_of(v, "temperature").status == DeviceStatus::invalid_response);
  }

  TEST_CASE("options: zero tilts are needed with a segment length") {
    const Profile p = profiles::xj_in3();
    CHECK(check_options(p, example_segment()).empty());
    DeviceOptions o;
    o.set("segment_length_mm", 1000.0);
    CHECK(check_options(p, o).size() == 2);
    CHECK(device_channels(p, o).size() == 5);
    CHECK(device_channels(p, {}).size() == 3);
    o.set("zero_tilt_x", 0.0);
    o.set("zero_tilt_y", 0.0);
    o.set("segment_length_mm", 0.0);
    REQUIRE(check_options(p, o).size() == 1);
    CHECK(check_options(p, o)[0].key == "segment_length_mm");
  }

  TEST_CASE("options: the segment length in metres as the sheet gives it - or in millimetres") {
    // GIVEN the sheet's example segment written as L = 0.5 m
    DeviceOptions o;
    o.set("segment_length_m", 0.5);
    o.set("zero_tilt_x", 0.25);
    o.set("zero_tilt_y", 0.25);
    const Profile p = profiles::xj_in3();
    CHECK(check_options(p, o).empty());
    CHECK(device_channels(p, o).size() == 5);
    // WHEN it tilts from 0.250 to 1.250 deg THEN it moved 8.726 mm, as with 500 mm
    const auto v = read_in3(1250, 250, 0, o);
    CHECK(*channel_of(v, "dx").value == doctest::Approx(8.726).epsilon(1e-4));
    const auto in_mm = read_in3(1250, 250, 0, example_segment());
    CHECK(*channel_of(v, "dx").value == doctest::Approx(*channel_of(in_mm, "dx").value));
  }

  TEST_CASE("options: exactly one segment length - both or neither is an error") {
    const Profile p = profiles::xj_in3();
    DeviceOptions both = example_segment();
    both.set("segment_length_m", 0.5);
    const auto b = check_options(p, both);
    REQUIRE(b.size() == 1);
    CHECK(b[0].key == "segment_length_mm");
    CHECK(b[0].message.find("not both") != std::string::npos);

    DeviceOptions neither;
    neither.set("zero_tilt_x", 0.25);
    neither.set("zero_tilt_y", 0.25);
    for (const auto& o : {neither, DeviceOptions{}}) {
      const auto n = check_options(p, o);
      REQUIRE(n.size() == 1);
      CHECK(n[0].key.empty());  // the device's line: no key to point at
      CHECK(n[0].message.find("segment_length_m [m]") != std::string::npos);
    }
  }

  TEST_CASE("options: a segment length in the wrong unit is refused with the right spelling") {
    const Profile p = profiles::xj_in3();
    DeviceOptions mm = example_segment();
    mm.set("segment_length_mm", 0.5);  // metres written under the millimetre key
    const auto a = check_options(p, mm);
    REQUIRE(a.size() == 1);
    CHECK(a[0].message == "segment_length_mm: 0.5 mm is not a segment length (100 to 10000 mm); "
                          "did you mean segment_length_m = 0.5?");
    DeviceOptions m;
    m.set("segment_length_m", 500.0);  // millimetres written under the metre key
    m.set("zero_tilt_x", 0.0);
    m.set("zero_tilt_y", 0.0);
    const auto b = check_options(p, m);
    REQUIRE(b.size() == 1);
    CHECK(b[0].message == "segment_length_m: 500 m is not a segment length (0.1 to 10 m); "
                          "did you mean segment_length_mm = 500?");
    m.set("segment_length_m", -1.0);
    REQUIRE(check_options(p, m).size() == 1);
    CHECK(check_options(p, m)[0].message.find("did you mean") == std::string::npos);
  }

  TEST_CASE("one request for input registers 0-5") {
    const auto plan = plan_reads(profiles::xj_in3(), 8);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].kind == RegisterKind::input);
    CHECK(plan[0].count == 6);
  }
}
