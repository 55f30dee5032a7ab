#include "tools/sim/options.hpp"

#include <algorithm>
#include <sstream>

#include <CLI/CLI.hpp>

#include "tools/sim/device_factory.hpp"
#include "tools/sim/text.hpp"

namespace lookout::sim {

namespace {

// Modbus unit ids 1..247 address single devices (Modbus over serial line V1.02, 2.2).
constexpr int MIN_UNIT = 1;
constexpr int MAX_UNIT = 247;

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
  });
}

std::string model_list() {
  std::string list;
  for (const auto m : known_models()) {
    if (!list.empty()) list += ", ";
    list += m;
  }
  return list;
}

constexpr const char* USAGE =
    "usage: lookout-sim [--listen HOST:PORT] [--control HOST:PORT] [--rtu PATH]\n"
    "                   --device NAME=MODEL@UNIT [--device ...] [--warmup-s SECONDS]\n"
    "                   [--scenario FILE [--time-scale X]]\n";

constexpr const char* DESCRIPTION =
    "Simulated field devices, answering as their sheets say (docs/devices.md), over Modbus\n"
    "TCP and, with --rtu, Modbus RTU on a serial line.";

constexpr const char* FOOTER =
    "On start it prints 'modbus-tcp listening on ADDR', 'control listening on ADDR',\n"
    "with --rtu 'modbus-rtu serving PATH', and 'device NAME MODEL unit UNIT' lines.\n"
    "Control protocol, one reply line per line:\n"
    "  set NAME FIELD VALUE   -> ok | error: ...\n"
    "  get NAME               -> JSON: state and raw register words\n"
    "  list                   -> JSON: all devices\n"
    "  every device:    connected 0|1 (0 = answers nothing), garbage 0|1 (corrupt replies),\n"
    "                   truncated 0|1 (half of each reply), delay_ms 0..10000 (answers late)\n"
    "  XJ-CH4 fields:   ch4 [%CH4], temperature [degC], local_alarm [%CH4],\n"
    "                   status normal|warming_up|fault|over_range\n"
    "  XJ-GD100 fields: concentration, alarm1, alarm2 [current unit],\n"
    "                   gas CH4|H2S|CO|O2|NH3|Cl2, mode normal|warming_up|calibration|inhibited,\n"
    "                   fault none|element|loop|calibration_expired|over_range,\n"
    "                   maintenance_due 0|1, run_hours [h]\n"
    "  XJ-VW4 fields:   chN_freq [Hz], chN_temp [degC],\n"
    "                   chN_status ok|open_circuit|short_circuit|no_resonance|measuring (N 1-4)\n"
    "  XJ-RL80 fields:  air_gap [mm], echo_db [dB], status ok|no_echo|weak_echo|blind_zone\n"
    "  XJ-RG2 fields:   tips N, add_tips N, rain_rate [mm/h], resolution 0.1|0.2|0.5,\n"
    "                   boot_count N, power_cycle 1\n"
    "  XJ-IN3 fields:   tilt_x, tilt_y [deg], temperature [degC], status ok|out_of_range|fault\n"
    "  XJ-GN1 fields:   d_north, d_east, d_up [mm], solution none|single|float|fixed,\n"
    "                   satellites N (all for the next epoch), new_epoch 1, mode 0|1,\n"
    "                   epoch_period_s [s] (0 = by mode)\n"
    "  XJ-AR4 fields:   siren, beacon, power_cut, spare 0|1, heartbeat_timeout_s [s],\n"
    "                   reset_button 0|1\n"
    "See docs/simulator.md. SIGINT or SIGTERM stops it (exit 0).";

Endpoint loopback(std::string_view flag, std::string_view value) {
  try {
    return parse_loopback_endpoint(value);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string(flag) + " " + e.what());
  }
}

/// The one value of an option given at most once; `twice` says why once.
const std::string& once(const std::vector<std::string>& values, const std::string& twice) {
  if (values.size() > 1) throw UsageError(twice);
  return values.front();
}

}  // namespace

DeviceSpec parse_device_spec(std::string_view text) {
  const std::string where = "--device '" + std::string(text) + "': ";
  const auto eq = text.find('=');
  const auto at = text.rfind('@');
  if (eq == std::string_view::npos || at == std::string_view::npos || at < eq) {
    throw UsageError(where + "expected NAME=MODEL@UNIT, e.g. ch4-1=XJ-CH4@1");
  }
  DeviceSpec spec;
  spec.name = std::string(text.substr(0, eq));
  spec.model = std::string(text.substr(eq + 1, at - eq - 1));
  if (!valid_name(spec.name)) {
    throw UsageError(where + "NAME must be letters, digits, '-', '_' or '.'");
  }
  const auto models = known_models();
  if (std::find(models.begin(), models.end(), spec.model) == models.end()) {
    throw UsageError(where + "unknown model '" + spec.model + "' (known: " + model_list() + ")");
  }
  const auto unit = parse_unsigned(text.substr(at + 1), MAX_UNIT);
  if (!unit || *unit < MIN_UNIT) throw UsageError(where + "UNIT must be 1..247");
  spec.unit = static_cast<int>(*unit);
  return spec;
}

void add_options(CLI::App& app, Options& options) {
  command_line::set_usage(app, USAGE);
  app.description(DESCRIPTION);
  app.footer(FOOTER);
  app.add_option_function<std::string>(
         "--listen", [&options](const std::string& v) { options.listen = loopback("--listen", v); },
         "Modbus TCP address (default 127.0.0.1:0; 0 = any free port);\n"
         "every device answers there by its unit id")
      ->type_name("HOST:PORT");
  app.add_option_function<std::string>(
         "--control", [&options](const std::string& v) { options.control = loopback("--control", v); },
         "control line protocol address (default 127.0.0.1:0)\n"
         "HOST must be loopback: 127.0.0.0/8, [::1] or localhost")
      ->type_name("HOST:PORT");
  app.add_option_function<std::vector<std::string>>(
         "--rtu",
         [&options](const std::vector<std::string>& v) {
           options.rtu = once(v, "--rtu given twice: one serial line serves all serial devices");
         },
         "also serve the RS-485 models on this serial line (e.g. one\n"
         "end of a socat pty pair), all units on the one line, 9600 8N1;\n"
         "XJ-GN1 (a Modbus TCP device) stays on TCP only")
      ->type_name("PATH")
      ->allow_extra_args(false);
  app.add_option("--device")
      ->description("one simulated device; repeatable; unit ids 1..247, unique\nmodels: " + model_list())
      ->type_name("NAME=MODEL@UNIT")
      ->allow_extra_args(false)
      ->take_all()
      ->each([&options](const std::string& value) {
        auto spec = parse_device_spec(value);
        for (const auto& d : options.devices) {
          if (d.name == spec.name) throw UsageError("--device '" + value + "': duplicate name '" + spec.name + "'");
          if (d.unit == spec.unit) {
            throw UsageError("--device '" + value + "': unit " + std::to_string(spec.unit) + " already used by '" +
                             d.name + "'");
          }
        }
        options.devices.push_back(std::move(spec));
      });
  app.add_option_function<std::string>(
         "--warmup-s",
         [&options](const std::string& v) {
           const auto seconds = parse_finite(v);
           if (!seconds || *seconds < 0.0) throw UsageError("--warmup-s '" + v + "': want seconds >= 0");
           options.warmup = Seconds{*seconds};
         },
         "XJ-CH4 / XJ-GD100 warm-up after start (default 60; 0 = none)")
      ->type_name("SECONDS");
  app.add_option_function<std::vector<std::string>>(
         "--scenario",
         [&options](const std::vector<std::string>& v) {
           options.scenario = once(v, "--scenario given twice: one scenario plays at a time");
         },
         "play a scenario: its [[device]]s join those of --device, its\n"
         "[[step]]s set their fields in time (tools/sim/scenarios/)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app.add_option_function<std::string>(
         "--time-scale",
         [&options](const std::string& v) {
           const auto scale = parse_finite(v);
           if (!scale || *scale <= 0.0) {
             throw UsageError("--time-scale '" + v + "': want a number > 0 (60 = a minute a second)");
           }
           options.time_scale = *scale;
         },
         "scenario seconds per real second (default 1; 60 = a minute a\n"
         "second); the devices' own clocks keep real time")
      ->type_name("X");
  app.callback([&options] {
    if (options.devices.empty() && options.scenario.empty()) {
      throw UsageError("at least one --device NAME=MODEL@UNIT, or a --scenario, is required (try --help)");
    }
  });
}

Options parse_options(std::span<const std::string_view> args) {
  Options options;
  CLI::App app("", "lookout-sim");
  add_options(app, options);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    options.help = true;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  return options;
}

std::string help() {
  Options options;
  CLI::App app("", "lookout-sim");
  add_options(app, options);
  std::ostringstream out;
  std::ostringstream err;
  command_line::parse(app, {"--help"}, out, err);
  return out.str();
}

}  // namespace lookout::sim
