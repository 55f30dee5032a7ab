// XJ-GN1 GNSS displacement station, Modbus TCP (datasheets/XJ-GN1.md).
//
// Channels (point "{device}.<channel>"), each timestamped with the solution's epoch:
//   d_north      displacement_north       mm   offset from the reference epoch
//   d_east       displacement_east        mm
//   d_up         displacement_up          mm
//   horizontal   displacement_horizontal  mm   sqrt(d_north^2 + d_east^2)
// No options. State: the last epoch seen, kept across gateway restarts; a solution is sent
// once (the same epoch read again gives no readings, also after a restart). Only a fixed solution is a valid displacement (good); a float
// solution is uncertain (its values, status float_solution); none and single are bad, no_fix.

#include <cmath>

#include "firmware/engineering/gnss.hpp"
#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware::profiles {
namespace {

using wire::DeviceStatus;
using wire::Quality;

// Solution, IR 6 (XJ-GN1.md line 13): "0 none, 1 single, 2 float, 4 fixed".
constexpr int SOLUTION_NONE = 0;
constexpr int SOLUTION_SINGLE = 1;
constexpr int SOLUTION_FLOAT = 2;
constexpr int SOLUTION_FIXED = 4;

constexpr std::int64_t MS_PER_S = 1000;
// [s since 1970-01-01 UTC] 2000-01-01, the earliest time a reading may carry (docs/protocol.md
// readings[].ts): an epoch before it is a receiver that does not know the time yet (GPS
// time not yet received, a clock at its reset value), not when the solution was made.
constexpr double EARLIEST_EPOCH_S = 946684800;
constexpr std::string_view STATE_EPOCH = "epoch";

std::vector<ChannelValue> interpret(const FieldValues& f, const DeviceOptions& /*options*/, DeviceState& state) {
  const double epoch = f.get("epoch");  // [s since 1970-01-01 UTC]
  // "the same epoch read twice is one solution" (line 25): send each once.
  if (state.get(STATE_EPOCH) == epoch) return {};
  state.set(STATE_EPOCH, epoch);

  const double north = f.get("d_north");
  const double east = f.get("d_east");
  const double up = f.get("d_up");
  const auto solution = static_cast<int>(f.get("solution"));

  Quality quality = Quality::bad;
  DeviceStatus status = DeviceStatus::ok;
  const bool finite = std::isfinite(north) && std::isfinite(east) && std::isfinite(up);
  if (epoch != 0 && epoch < EARLIEST_EPOCH_S) {
    // Sent as it was, the whole batch it travels in (every device's readings) would be
    // refused for an implausible time; without a time it is no solution.
    status = DeviceStatus::invalid_response;
  } else if (solution == SOLUTION_FIXED || solution == SOLUTION_FLOAT) {
    // "Only a fixed solution (4) is a valid displacement; a float solution is uncertain" (line 24)
    if (!finite) {
      status = DeviceStatus::invalid_response;
    } else if (solution == SOLUTION_FIXED) {
      quality = Quality::good;
    } else {
      quality = Quality::uncertain;
      status = DeviceStatus::float_solution;
    }
  } else if (solution == SOLUTION_NONE || solution == SOLUTION_SINGLE) {
    status = DeviceStatus::no_fix;
  } else {
    status = DeviceStatus::invalid_response;  // a code the sheet does not define
  }
  const auto value = [&](double v) { return quality == Quality::bad ? std::nullopt : std::optional<double>(v); };
  // The epoch is when it was measured; without one (0, or one before 2000) the poll time stands.
  const auto measured = epoch >= EARLIEST_EPOCH_S
                            ? std::optional<std::int64_t>(static_cast<std::int64_t>(epoch) * MS_PER_S)
                            : std::nullopt;
  return {
      {"d_north", "displacement_north", "mm", value(north), quality, status, measured},
      {"d_east", "displacement_east", "mm", value(east), quality, status, measured},
      {"d_up", "displacement_up", "mm", value(up), quality, status, measured},
      {"horizontal", "displacement_horizontal", "mm", value(engineering::horizontal_displacement_mm(north, east)),
       quality, status, measured},
  };
}

}  // namespace

Profile xj_gn1() {
  return Profile{
      .model = "XJ-GN1",
      .sheet = "datasheets/XJ-GN1.md",
      .fields =
          {
              {"d_north", RegisterKind::input, 0, ValueType::f32, WordOrder::abcd, 1.0, "IR 0-1 d_north float32 ABCD mm"},
              {"d_east", RegisterKind::input, 2, ValueType::f32, WordOrder::abcd, 1.0, "IR 2-3 d_east float32 ABCD mm"},
              {"d_up", RegisterKind::input, 4, ValueType::f32, WordOrder::abcd, 1.0, "IR 4-5 d_up float32 ABCD mm"},
              {"solution", RegisterKind::input, 6, ValueType::u16, WordOrder::abcd, 1.0, "IR 6 solution"},
              {"satellites", RegisterKind::input, 7, ValueType::u16, WordOrder::abcd, 1.0, "IR 7 satellites"},
              {"epoch", RegisterKind::input, 8, ValueType::u32, WordOrder::abcd, 1.0, "IR 8-9 epoch uint32 ABCD s"},
              {"mode", RegisterKind::holding, 20, ValueType::u16, WordOrder::abcd, 1.0, "HR 20 mode 0 static 1 fast"},
          },
      .max_registers_per_request = 125,
      // No period on the sheet; fast-static gives one solution per 10 min (line 21): polling
      // each minute sends every solution within a minute of its epoch.
      .recommended_poll_ms = 60000,
      .channels = {{"d_north", "displacement_north", "mm"},
                   {"d_east", "displacement_east", "mm"},
                   {"d_up", "displacement_up", "mm"},
                   {"horizontal", "displacement_horizontal", "mm"}},
      .interpret = interpret,
      // "a monitoring system switches the station to mode 1 then, and back to 0" (line 30).
      .fast_mode = FastModeRegister{20, 0, 1, "HR 20 mode 0 static 1 fast-static"},
      // "the same epoch read twice is one solution" (line 25), also across a gateway restart.
      .kept_state = {STATE_EPOCH},
  };
}

}  // namespace lookout::firmware::profiles
