// XJ-VW4 4-channel vibrating-wire readout: piezometers and VW crack meters (datasheets/XJ-VW4.md).
//
// Channels, per VW channel N = 1..4 (point "{device}.chN_...", quantity, unit):
//   chN_frequency          frequency          Hz    always (unless chN.sensor = "none")
//   chN_temperature        temperature        degC  always (unless chN.sensor = "none")
//   chN_pore_pressure      pore_pressure      kPa   chN.sensor = "piezometer"
//   chN_head               water_head         m     chN.sensor = "piezometer": head above the tip
//   chN_piezometric_level  piezometric_level  m     piezometer with chN.tip_elevation
//   chN_phreatic_depth     phreatic_depth     m     piezometer with chN.pipe_mouth_elevation too
//   chN_opening            crack_opening      mm    chN.sensor = "crack_meter"
// Options, per channel: chN.sensor ("piezometer", "crack_meter", "none"), chN.gauge_factor,
// chN.zero_reading (needed with a sensor), chN.thermal_factor, chN.zero_temperature,
// chN.tip_elevation, chN.pipe_mouth_elevation.

#include <array>
#include <cmath>
#include <string>

#include "firmware/engineering/vibrating_wire.hpp"
#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware::profiles {
namespace {

using wire::DeviceStatus;
using wire::Quality;

constexpr int CHANNELS = 4;  // "Reads up to four vibrating-wire sensors"

// Channel status, IR 12-15 (XJ-VW4.md line 18).
constexpr int STATUS_OK = 0;
constexpr int STATUS_OPEN_CIRCUIT = 1;
constexpr int STATUS_SHORT_CIRCUIT = 2;
constexpr int STATUS_NO_RESONANCE = 3;  // "freq = NaN"
constexpr int STATUS_MEASURING = 4;     // "value is the previous scan's"

constexpr std::string_view PIEZOMETER = "piezometer";
constexpr std::string_view CRACK_METER = "crack_meter";
constexpr std::string_view NONE = "none";

/// The option keys of one channel, kept in static strings so OptionSpec can view them.
struct ChannelKeys {
  std::string sensor, gauge_factor, thermal_factor, zero_reading, zero_temperature, tip_elevation,
      pipe_mouth_elevation;
};

const std::array<ChannelKeys, CHANNELS>& channel_keys() {
  static const std::array<ChannelKeys, CHANNELS> keys = [] {
    std::array<ChannelKeys, CHANNELS> k;
    for (int i = 0; i < CHANNELS; ++i) {
      const std::string p = "ch" + std::to_string(i + 1) + ".";
      k[static_cast<std::size_t>(i)] = {p + "sensor",         p + "gauge_factor",  p + "thermal_factor",
                                        p + "zero_reading",   p + "zero_temperature", p + "tip_elevation",
                                        p + "pipe_mouth_elevation"};
    }
    return k;
  }();
  return keys;
}

std::string channel_name(int ch, std::string_view what) { return "ch" + std::to_string(ch) + "_" + std::string(what); }

std::vector<OptionSpec> options() {
  std::vector<OptionSpec> out;
  for (const auto& k : channel_keys()) {
    out.push_back({k.sensor, OptionType::text, "",
                   "what the channel reads: piezometer, crack_meter, or none (not wired: no readings)", false, "",
                   {PIEZOMETER, CRACK_METER, NONE}});
    out.push_back({k.gauge_factor, OptionType::number, "kPa/digit or mm/digit",
                   "gauge factor G from the sensor's calibration sheet (negative for a piezometer)"});
    out.push_back({k.zero_reading, OptionType::number, "digit", "zero reading R0 = f^2/1000 at installation"});
    out.push_back({k.thermal_factor, OptionType::number, "kPa/degC or mm/degC", "thermal factor K (default 0)"});
    out.push_back({k.zero_temperature, OptionType::number, "degC", "temperature T0 at installation", false,
                   k.thermal_factor});
    out.push_back({k.tip_elevation, OptionType::number, "m", "piezometer tip elevation: gives the piezometric level",
                   false, k.pipe_mouth_elevation});
    out.push_back({k.pipe_mouth_elevation, OptionType::number, "m",
                   "pipe-mouth elevation: gives the phreatic depth (with the tip elevation)"});
  }
  return out;
}

std::vector<OptionIssue> check(const DeviceOptions& o) {
  std::vector<OptionIssue> issues;
  for (const auto& k : channel_keys()) {
    const auto sensor = o.text(k.sensor);
    const bool measures = sensor && (*sensor == PIEZOMETER || *sensor == CRACK_METER);
    for (const auto* key : {&k.gauge_factor, &k.zero_reading}) {
      if (measures && !o.has(*key)) issues.push_back({*key, *key + ": needed for a " + *sensor});
    }
    if (!measures) {
      for (const auto* key : {&k.gauge_factor, &k.zero_reading, &k.thermal_factor, &k.zero_temperature}) {
        if (o.has(*key)) issues.push_back({*key, *key + ": only with " + k.sensor + " = piezometer or crack_meter"});
      }
    }
    if ((sensor != PIEZOMETER) && o.has(k.tip_elevation)) {
      issues.push_back({k.tip_elevation, k.tip_elevation + ": only with " + k.sensor + " = piezometer"});
    }
  }
  return issues;
}

std::vector<ChannelSpec> channels_for(const DeviceOptions& o) {
  std::vector<ChannelSpec> out;
  for (int ch = 1; ch <= CHANNELS; ++ch) {
    const auto& k = channel_keys()[static_cast<std::size_t>(ch - 1)];
    const auto sensor = o.text(k.sensor);
    if (sensor == NONE) continue;
    out.push_back({channel_name(ch, "frequency"), "frequency", "Hz"});
    out.push_back({channel_name(ch, "temperature"), "temperature", "degC"});
    if (sensor == PIEZOMETER) {
      out.push_back({channel_name(ch, "pore_pressure"), "pore_pressure", "kPa"});
      out.push_back({channel_name(ch, "head"), "water_head", "m"});
      if (o.has(k.tip_elevation)) out.push_back({channel_name(ch, "piezometric_level"), "piezometric_level", "m"});
      if (o.has(k.pipe_mouth_elevation)) out.push_back({channel_name(ch, "phreatic_depth"), "phreatic_depth", "m"});
    } else if (sensor == CRACK_METER) {
      out.push_back({channel_name(ch, "opening"), "crack_opening", "mm"});
    }
  }
  return out;
}

/// Quality and device status of one channel from its status register and frequency.
struct Verdict {
  Quality quality = Quality::bad;
  DeviceStatus status = DeviceStatus::ok;
};

Verdict judge(int status, double freq) {
  const bool plausible = std::isfinite(freq) && freq > 0.0;
  switch (status) {
    case STATUS_OK:
      return plausible ? Verdict{Quality::good, DeviceStatus::ok} : Verdict{Quality::bad, DeviceStatus::invalid_response};
    case STATUS_OPEN_CIRCUIT:
    case STATUS_SHORT_CIRCUIT:
    case STATUS_NO_RESONANCE:
      return {Quality::bad, DeviceStatus::sensor_fault};  // "a sensor fault, not a measurement" (line 34)
    case STATUS_MEASURING:
      // The previous scan's value: a measurement, but this scan's health is not known yet.
      return {plausible ? Quality::uncertain : Quality::bad, DeviceStatus::measuring};
    default:
      return {Quality::bad, DeviceStatus::invalid_response};  // a code the sheet does not define
  }
}

ChannelValue value_of(std::string channel, std::string_view quantity, std::string_view unit, const Verdict& v,
                      double value) {
  ChannelValue out{std::move(channel), std::string(quantity), std::string(unit), std::nullopt, v.quality, v.status};
  if (v.quality != Quality::bad) out.value = value;
  return out;
}

std::vector<ChannelValue> interpret(const FieldValues& f, const DeviceOptions& o, DeviceState& /*state*/) {
  std::vector<ChannelValue> out;
  for (int ch = 1; ch <= CHANNELS; ++ch) {
    const auto& k = channel_keys()[static_cast<std::size_t>(ch - 1)];
    const auto sensor = o.text(k.sensor);
    if (sensor == NONE) continue;
    const double freq = f.get(channel_name(ch, "freq"));
    const double temp = f.get(channel_name(ch, "temp"));
    const Verdict v = judge(static_cast<int>(f.get(channel_name(ch, "status"))), freq);
    out.push_back(value_of(channel_name(ch, "frequency"), "frequency", "Hz", v, freq));
    out.push_back(value_of(channel_name(ch, "temperature"), "temperature", "degC", v, temp));
    if (sensor != PIEZOMETER && sensor != CRACK_METER) continue;

    const engineering::VwCalibration cal{.gauge_factor = o.number(k.gauge_factor).value_or(0.0),
                                         .thermal_factor = o.number(k.thermal_factor).value_or(0.0),
                                         .zero_reading = o.number(k.zero_reading).value_or(0.0),
                                         .zero_temperature = o.number(k.zero_temperature).value_or(0.0)};
    const double value = engineering::vw_value(freq, temp, cal);  // [kPa] or [mm]
    if (sensor == CRACK_METER) {
      out.push_back(value_of(channel_name(ch, "opening"), "crack_opening", "mm", v, value));
      continue;
    }
    const double head = engineering::pressure_head_m(value);
    out.push_back(value_of(channel_name(ch, "pore_pressure"), "pore_pressure", "kPa", v, value));
    out.push_back(value_of(channel_name(ch, "head"), "water_head", "m", v, head));
    if (const auto tip = o.number(k.tip_elevation)) {
      const double level = engineering::piezometric_level_m(*tip, head);
      out.push_back(value_of(channel_name(ch, "piezometric_level"), "piezometric_level", "m", v, level));
      if (const auto mouth = o.number(k.pipe_mouth_elevation)) {
        out.push_back(value_of(channel_name(ch, "phreatic_depth"), "phreatic_depth", "m", v,
                               engineering::phreatic_depth_m(*mouth, level)));
      }
    }
  }
  return out;
}

}  // namespace

Profile xj_vw4() {
  return Profile{
      .model = "XJ-VW4",
      .sheet = "datasheets/XJ-VW4.md",
      .fields =
          {
              {"ch1_freq", RegisterKind::input, 0, ValueType::f32, WordOrder::abcd, 1.0, "IR 0-1 ch1_freq float32 ABCD Hz"},
              {"ch2_freq", RegisterKind::input, 2, ValueType::f32, WordOrder::abcd, 1.0, "IR 2-3 ch2_freq float32 ABCD"},
              {"ch3_freq", RegisterKind::input, 4, ValueType::f32, WordOrder::abcd, 1.0, "IR 4-5 ch3_freq float32 ABCD"},
              {"ch4_freq", RegisterKind::input, 6, ValueType::f32, WordOrder::abcd, 1.0, "IR 6-7 ch4_freq float32 ABCD"},
              {"ch1_temp", RegisterKind::input, 8, ValueType::i16, WordOrder::abcd, 0.1, "IR 8 ch1_temp int16 x0.1 degC"},
              {"ch2_temp", RegisterKind::input, 9, ValueType::i16, WordOrder::abcd, 0.1, "IR 9 ch2_temp int16 x0.1"},
              {"ch3_temp", RegisterKind::input, 10, ValueType::i16, WordOrder::abcd, 0.1, "IR 10 ch3_temp int16 x0.1"},
              {"ch4_temp", RegisterKind::input, 11, ValueType::i16, WordOrder::abcd, 0.1, "IR 11 ch4_temp int16 x0.1"},
              {"ch1_status", RegisterKind::input, 12, ValueType::u16, WordOrder::abcd, 1.0, "IR 12 ch1_status"},
              {"ch2_status", RegisterKind::input, 13, ValueType::u16, WordOrder::abcd, 1.0, "IR 13 ch2_status"},
              {"ch3_status", RegisterKind::input, 14, ValueType::u16, WordOrder::abcd, 1.0, "IR 14 ch3_status"},
              {"ch4_status", RegisterKind::input, 15, ValueType::u16, WordOrder::abcd, 1.0, "IR 15 ch4_status"},
              {"unit_id", RegisterKind::holding, 100, ValueType::u16, WordOrder::abcd, 1.0, "HR 100 unit_id 1-247"},
              {"baud_code", RegisterKind::holding, 101, ValueType::u16, WordOrder::abcd, 1.0, "HR 101 baud_code"},
              {"scan_interval_s", RegisterKind::holding, 102, ValueType::u16, WordOrder::abcd, 1.0,
               "HR 102 scan_interval_s 5-3600"},
          },
      .max_registers_per_request = 16,  // "more than 16 registers is answered with exception 02" (line 32)
      .recommended_poll_ms = 5000,      // "registers change once per scan" (line 33), default scan 5 s (line 29)
      .channels = channels_for(DeviceOptions{}),
      .interpret = interpret,
      .options = options(),
      .channels_for = channels_for,
      .check = check,
  };
}

}  // namespace lookout::firmware::profiles
