// XJ-IN3 MEMS in-place inclinometer node, one unit id per node (datasheets/XJ-IN3.md).
//
// Channels (point "{device}.<channel>"):
//   tilt_x, tilt_y   tilt          deg    the node's tilt about each axis
//   temperature      temperature   degC
//   dx, dy           displacement  mm     the segment's displacement along X / Y
// Options: the segment length L from the installation record, exactly one of
// segment_length_m [m] (as the sheet and the record give it, usually 0.5 or 1.0) and
// segment_length_mm [mm]; zero_tilt_x, zero_tilt_y [deg] (theta0: the tilts at installation).
// The cumulative displacement down a borehole sums several nodes (devices):
// engineering::cumulative_displacement_mm.

#include <cmath>
#include <sstream>

#include "firmware/engineering/inclinometer.hpp"
#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware::profiles {
namespace {

using wire::DeviceStatus;
using wire::Quality;

constexpr double FULL_SCALE_DEG = 30.0;  // "degrees, +-30.000" (line 11)
constexpr double MM_PER_M = 1000.0;

// Status, IR 5 (XJ-IN3.md line 14).
constexpr int STATUS_OK = 0;
constexpr int STATUS_OUT_OF_RANGE = 1;
constexpr int STATUS_SENSOR_FAULT = 2;

constexpr std::string_view SEGMENT_LENGTH_M = "segment_length_m";
constexpr std::string_view SEGMENT_LENGTH_MM = "segment_length_mm";
constexpr std::string_view ZERO_TILT_X = "zero_tilt_x";
constexpr std::string_view ZERO_TILT_Y = "zero_tilt_y";

// [m] Segment lengths a borehole chain can have. The sheet's nodes sit "usually 0.5 m or
// 1.0 m" apart; a figure outside 0.1-10 m is a unit mistake (0.5 written as millimetres,
// 500 as metres), which would scale every displacement by 1000.
constexpr double MIN_SEGMENT_M = 0.1;
constexpr double MAX_SEGMENT_M = 10.0;

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

/// [m] the segment length from whichever key gives it; nullopt when none does.
std::optional<double> segment_length_m(const DeviceOptions& o) {
  if (const auto m = o.number(SEGMENT_LENGTH_M)) return *m;
  if (const auto mm = o.number(SEGMENT_LENGTH_MM)) return *mm / MM_PER_M;
  return std::nullopt;
}

/// A segment length out of range, given in `unit` (`per_m` of them to a metre), with the
/// other key's spelling when the figure fits there: the likely mistake is the unit.
OptionIssue length_out_of_range(std::string_view key, double value, double per_m, std::string_view unit,
                                std::string_view other_key, double other_per_m) {
  std::string msg = std::string(key) + ": " + number_text(value) + " " + std::string(unit) +
                    " is not a segment length (" + number_text(MIN_SEGMENT_M * per_m) + " to " +
                    number_text(MAX_SEGMENT_M * per_m) + " " + std::string(unit) + ")";
  const double as_other_m = value / other_per_m;
  if (as_other_m >= MIN_SEGMENT_M && as_other_m <= MAX_SEGMENT_M) {
    msg += "; did you mean " + std::string(other_key) + " = " + number_text(value) + "?";
  }
  return {std::string(key), msg};
}

std::vector<OptionIssue> check(const DeviceOptions& o) {
  const bool in_m = o.has(SEGMENT_LENGTH_M);
  const bool in_mm = o.has(SEGMENT_LENGTH_MM);
  if (in_m && in_mm) {
    return {{std::string(SEGMENT_LENGTH_MM), std::string(SEGMENT_LENGTH_MM) +
                                                 ": give the segment length once, as segment_length_m [m] or as "
                                                 "segment_length_mm [mm], not both"}};
  }
  if (!in_m && !in_mm) {
    // Without it the node's displacement, its reason for being, would silently be missing.
    return {{"", "an XJ-IN3 needs its segment length L from the installation record: segment_length_m [m] "
                 "(e.g. 0.5) or segment_length_mm [mm] (e.g. 500)"}};
  }
  std::vector<OptionIssue> issues;
  if (const auto m = o.number(SEGMENT_LENGTH_M); m && !(*m >= MIN_SEGMENT_M && *m <= MAX_SEGMENT_M)) {
    issues.push_back(length_out_of_range(SEGMENT_LENGTH_M, *m, 1.0, "m", SEGMENT_LENGTH_MM, MM_PER_M));
  }
  const auto mm = o.number(SEGMENT_LENGTH_MM);
  if (mm && !(*mm / MM_PER_M >= MIN_SEGMENT_M && *mm / MM_PER_M <= MAX_SEGMENT_M)) {
    issues.push_back(length_out_of_range(SEGMENT_LENGTH_MM, *mm, MM_PER_M, "mm", SEGMENT_LENGTH_M, 1.0));
  }
  for (const auto key : {ZERO_TILT_X, ZERO_TILT_Y}) {
    if (!o.has(key)) {
      issues.push_back({std::string(key), std::string(key) + ": needed with the segment length: the tilt at "
                                                             "installation (theta0) [deg]"});
    }
  }
  return issues;
}

std::vector<ChannelSpec> channels_for(const DeviceOptions& o) {
  std::vector<ChannelSpec> out{{"tilt_x", "tilt", "deg"}, {"tilt_y", "tilt", "deg"}, {"temperature", "temperature", "degC"}};
  if (o.has(SEGMENT_LENGTH_M) || o.has(SEGMENT_LENGTH_MM)) {
    out.push_back({"dx", "displacement", "mm"});
    out.push_back({"dy", "displacement", "mm"});
  }
  return out;
}

/// One axis's tilt as a channel value, from the node status.
ChannelValue tilt_value(std::string channel, double tilt, int status, bool other_axis_at_limit) {
  ChannelValue v{std::move(channel), "tilt", "deg", std::nullopt, Quality::bad, DeviceStatus::ok};
  const bool at_limit = std::fabs(tilt) >= FULL_SCALE_DEG;
  if (status == STATUS_OK) {
    if (std::fabs(tilt) > FULL_SCALE_DEG) {
      v.status = DeviceStatus::invalid_response;  // beyond +-30.000 with status ok
    } else {
      v.quality = Quality::good;
      v.value = tilt;
    }
  } else if (status == STATUS_OUT_OF_RANGE) {
    if (at_limit) {
      v.quality = Quality::uncertain;  // at least full scale, on the side it reads
      v.status = DeviceStatus::over_range;
      v.value = tilt;
    } else if (other_axis_at_limit) {
      v.quality = Quality::good;  // the node's flag is the other axis's
      v.value = tilt;
    } else {
      v.status = DeviceStatus::invalid_response;  // out of range, yet neither axis at the limit
    }
  } else if (status == STATUS_SENSOR_FAULT) {
    v.status = DeviceStatus::sensor_fault;
  } else {
    v.status = DeviceStatus::invalid_response;  // a code the sheet does not define
  }
  return v;
}

std::vector<ChannelValue> interpret(const FieldValues& f, const DeviceOptions& o, DeviceState& /*state*/) {
  const double tilt_x = f.get("tilt_x");
  const double tilt_y = f.get("tilt_y");
  const auto status = static_cast<int>(f.get("status"));
  const bool x_at_limit = std::fabs(tilt_x) >= FULL_SCALE_DEG;
  const bool y_at_limit = std::fabs(tilt_y) >= FULL_SCALE_DEG;
  std::vector<ChannelValue> out{tilt_value("tilt_x", tilt_x, status, y_at_limit),
                                tilt_value("tilt_y", tilt_y, status, x_at_limit)};

  ChannelValue temp{"temperature", "temperature", "degC", f.get("temperature"), Quality::good, DeviceStatus::ok};
  if (status != STATUS_OK && status != STATUS_OUT_OF_RANGE && status != STATUS_SENSOR_FAULT) {
    temp = {"temperature", "temperature", "degC", std::nullopt, Quality::bad, DeviceStatus::invalid_response};
  }
  out.push_back(temp);

  if (const auto length_m = segment_length_m(o)) {
    const std::pair<const char*, std::string_view> axes[] = {{"dx", ZERO_TILT_X}, {"dy", ZERO_TILT_Y}};
    for (std::size_t i = 0; i < 2; ++i) {
      const ChannelValue& tilt = out[i];
      ChannelValue d{axes[i].first, "displacement", "mm", std::nullopt, tilt.quality, tilt.status};
      if (tilt.value) {
        d.value = engineering::segment_displacement_mm(*length_m, *tilt.value, o.number(axes[i].second).value_or(0.0));
      }
      out.push_back(d);
    }
  }
  return out;
}

}  // namespace

Profile xj_in3() {
  return Profile{
      .model = "XJ-IN3",
      .sheet = "datasheets/XJ-IN3.md",
      .fields =
          {
              {"tilt_x", RegisterKind::input, 0, ValueType::i32, WordOrder::cdab, 0.001,
               "IR 0-1 tilt_x int32 CDAB x0.001 deg"},
              {"tilt_y", RegisterKind::input, 2, ValueType::i32, WordOrder::cdab, 0.001,
               "IR 2-3 tilt_y int32 CDAB x0.001 deg"},
              {"temperature", RegisterKind::input, 4, ValueType::i16, WordOrder::abcd, 0.1, "IR 4 int16 x0.1 degC"},
              {"status", RegisterKind::input, 5, ValueType::u16, WordOrder::abcd, 1.0, "IR 5 status"},
          },
      .max_registers_per_request = 125,
      .recommended_poll_ms = 60000,  // no period on the sheet; practice: sampling from minutes to daily
      .channels = channels_for(DeviceOptions{}),
      .interpret = interpret,
      .options =
          {
              {SEGMENT_LENGTH_M, OptionType::number, "m",
               "segment length L from the installation record (usually 0.5 or 1.0): gives dx and dy"},
              {SEGMENT_LENGTH_MM, OptionType::number, "mm",
               "segment length L in millimetres (usually 500 or 1000), instead of segment_length_m"},
              {ZERO_TILT_X, OptionType::number, "deg", "tilt_x at installation (theta0)"},
              {ZERO_TILT_Y, OptionType::number, "deg", "tilt_y at installation (theta0)"},
          },
      .channels_for = channels_for,
      .check = check,
  };
}

}  // namespace lookout::firmware::profiles
