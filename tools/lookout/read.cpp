// lookout read: one poll of one device, printed.
//
//   lookout read [--board BOARD.toml] SITE.toml DEVICE
//       the device as the gateway polls it: its site-file bus and calibration, the firmware's
//       DevicePoller and profile, the gateway's libmodbus bus; decoded values with unit,
//       quality and status.
//   lookout read (--tcp HOST:PORT | --rtu PATH ...) --unit N (--holding|--input|--coils) START COUNT [--raw]
//       registers as they are; --raw adds hex and every pair of words as float32 / int32 /
//       uint32 in each word order (register_dump.hpp), to settle a byte order on site.
//
// Exit status: 0 the device answered (and, from a site file, every reading is good);
// 1 it did not answer, or the site file, device or line is wrong; 2 a bad command line;
// 3 it answered but some reading is not good (see its status).

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>

#include "firmware/command_line.hpp"
#include "firmware/config/toml_checker.hpp"
#include "gateway/board_config.hpp"
#include "gateway/libmodbus_bus.hpp"
#include "gateway/system_clock.hpp"
#include "tools/lookout/bus_options.hpp"
#include "tools/lookout/commands.hpp"
#include "tools/lookout/register_dump.hpp"

namespace lookout::cli {

namespace {

constexpr int EXIT_NOT_ALL_GOOD = 3;

constexpr const char* USAGE =
    "usage: lookout read [--board BOARD.toml] SITE.toml DEVICE\n"
    "       lookout read (--tcp HOST:PORT | --rtu PATH [--baud 9600] [--parity N|E|O] [--stop-bits 1|2])\n"
    "                    --unit N (--holding | --input | --coils) START COUNT [--raw]\n"
    "                    [--timeout-ms 300] [--retries 0]\n";

std::string format_value(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  return buf;
}

/// One row of the readings table, without trailing blanks.
void print_row(std::string_view point, std::string_view quantity, std::string_view value, std::string_view unit,
               std::string_view quality, std::string_view status) {
  char line[512];
  std::snprintf(line, sizeof line, "%-28.*s %-24.*s %12.*s %-8.*s %-9.*s %.*s", static_cast<int>(point.size()),
                point.data(), static_cast<int>(quantity.size()), quantity.data(), static_cast<int>(value.size()),
                value.data(), static_cast<int>(unit.size()), unit.data(), static_cast<int>(quality.size()),
                quality.data(), static_cast<int>(status.size()), status.data());
  std::string text(line);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  std::puts(text.c_str());
}

int read_site_device(const std::string& site_file, const std::string& device, const std::string& board_file) {
  std::optional<gateway::BoardConfig> board;
  gateway::SiteConfig site;
  try {
    if (!board_file.empty()) board = gateway::load_board_file(board_file);
    site = gateway::load_site_file(site_file, board ? &*board : nullptr);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  const gateway::BusConfig* bus = nullptr;
  const firmware::DeviceSpec* spec = nullptr;
  std::string known;
  for (const auto& b : site.buses) {
    for (const auto& d : b.devices) {
      known += (known.empty() ? "" : ", ") + d.name;
      if (d.name == device) {
        bus = &b;
        spec = &d;
      }
    }
  }
  if (spec == nullptr) {
    std::cerr << "lookout read: " << site_file << ": no device \"" << device << "\" (devices: " << known << ")\n";
    return 1;
  }
  try {
    gateway::LibmodbusBus modbus(*bus);
    firmware::DevicePoller poller(*spec);
    const gateway::SystemClock clock;
    const auto readings = poller.poll(modbus, clock);
    std::cout << device << ": " << spec->profile->model << " unit " << spec->unit << " on bus " << bus->name << " ("
              << describe_bus(*bus) << ")\n";
    print_row("point", "quantity", "value", "unit", "quality", "status");
    bool all_good = true;
    for (const auto& r : readings) {
      all_good = all_good && r.quality == wire::Quality::good;
      const auto status = r.status == wire::DeviceStatus::ok ? std::string_view{} : wire::to_string(r.status);
      print_row(r.point, r.quantity, format_value(r.value), r.unit, wire::to_string(r.quality), status);
    }
    // A counter's first poll is its baseline (XJ-RG2): channels with nothing new are named.
    for (const auto& c : firmware::device_channels(*spec->profile, spec->options)) {
      bool seen = false;
      for (const auto& r : readings) seen = seen || r.point == device + "." + c.channel;
      if (!seen) print_row(device + "." + c.channel, c.quantity, "-", c.unit, "(nothing new in one poll)", "");
    }
    std::fflush(stdout);
    if (!poller.online()) {
      std::cerr << "lookout read: " << device << ": " << poller.counters().last_error << "\n";
      return 1;
    }
    return all_good ? 0 : EXIT_NOT_ALL_GOOD;
  } catch (const std::exception& e) {
    std::cerr << "lookout read: " << device << ": " << e.what() << "\n";
    return 1;
  }
}

struct RawRequest {
  int unit = 0;
  std::optional<firmware::RegisterKind> kind;
  std::uint16_t start = 0;
  std::uint16_t count = 0;
  bool raw = false;
};

int read_raw(const gateway::BusConfig& bus, const RawRequest& q) {
  try {
    gateway::LibmodbusBus modbus(bus);
    std::vector<std::uint16_t> words;
    const auto result = modbus.read_registers(q.unit, *q.kind, q.start, q.count, words);
    if (!result.ok()) {
      std::cerr << "lookout read: " << describe_bus(bus) << ": " << result.message << "\n";
      return 1;
    }
    if (!q.raw) {
      const char* table = *q.kind == firmware::RegisterKind::holding ? "HR" : *q.kind == firmware::RegisterKind::input
                                                                                  ? "IR"
                                                                                  : "CO";
      for (std::size_t i = 0; i < words.size(); ++i) {
        std::printf("%s %u %u\n", table, static_cast<unsigned>(q.start + i), words[i]);
      }
      return 0;
    }
    std::cout << format_words(*q.kind, q.start, words);
    if (*q.kind != firmware::RegisterKind::coil && words.size() >= 2) {
      std::cout << "\n" << format_pairs(*q.kind, q.start, words);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "lookout read: " << describe_bus(bus) << ": " << e.what() << "\n";
    return 1;
  }
}

struct ReadArgs {
  BusArgs bus;
  std::string board;
  std::string site;
  std::string device;
  std::string unit;
  std::vector<std::string> holding;  ///< START COUNT
  std::vector<std::string> input;
  std::vector<std::string> coils;
  bool raw = false;
};

int read(const ReadArgs& a) {
  RawRequest q;
  const std::vector<std::string>* range = nullptr;
  std::string flag;
  for (const auto& [f, kind, words] :
       {std::tuple{"--holding", firmware::RegisterKind::holding, &a.holding},
        std::tuple{"--input", firmware::RegisterKind::input, &a.input},
        std::tuple{"--coils", firmware::RegisterKind::coil, &a.coils}}) {
    if (words->empty()) continue;
    if (q.kind) throw UsageError("give one of --holding, --input or --coils");
    q.kind = kind;
    range = words;
    flag = f;
  }
  if (q.kind) {
    q.start = static_cast<std::uint16_t>(parse_int_arg(flag + " START", (*range)[0], 0, 65535));
    // Modbus Application Protocol V1.1b3, 6.1-6.4: at most 125 registers or 2000 coils
    const long max = q.kind == firmware::RegisterKind::coil ? 2000 : 125;
    q.count = static_cast<std::uint16_t>(parse_int_arg(flag + " COUNT", (*range)[1], 1, max));
    if (q.start + q.count > 65536) throw UsageError(flag + ": START + COUNT runs past address 65535");
  }
  // 0 is broadcast: nothing answers it (Modbus over serial line V1.02, 2.2)
  if (!a.unit.empty()) q.unit = static_cast<int>(parse_int_arg("--unit", a.unit, 1, 247));
  q.raw = a.raw;
  if (a.bus.tcp || a.bus.rtu) {
    if (!a.site.empty()) throw UsageError("give either SITE.toml DEVICE or --tcp/--rtu, not both");
    if (a.unit.empty()) throw UsageError("--unit N is required with --tcp/--rtu");
    if (!q.kind) throw UsageError("say what to read: --holding, --input or --coils START COUNT");
    return read_raw(finish_bus_options(a.bus), q);
  }
  if (a.device.empty()) throw UsageError("want SITE.toml DEVICE, or --tcp/--rtu with --unit");
  if (!a.unit.empty() || q.kind || q.raw || a.bus.any()) {
    throw UsageError("--unit, --holding/--input/--coils, --raw and bus options go with --tcp/--rtu; "
                     "the site file says how to reach a device");
  }
  return read_site_device(a.site, a.device, a.board);
}

}  // namespace

void add_read(CLI::App& lookout) {
  auto* command = lookout.add_subcommand("read", "poll one device of a site file once, or read registers as they are");
  command_line::set_usage(*command, USAGE);
  auto args = std::make_shared<ReadArgs>();
  command->add_option("SITE.toml", args->site, "the site file with the device");
  command->add_option("DEVICE", args->device, "the device's name in it");
  command->add_option("--board", args->board, "the board file the gateway runs with (its serial ports)")
      ->type_name("BOARD.toml");
  add_bus_options(*command, args->bus);
  command->add_option("--unit", args->unit, "the unit id to ask, 1..247")->type_name("N");
  for (auto& [name, words, description] :
       {std::tuple{"--holding", &args->holding, "COUNT holding registers from START (function 3)"},
        std::tuple{"--input", &args->input, "COUNT input registers from START (function 4)"},
        std::tuple{"--coils", &args->coils, "COUNT coils from START (function 1)"}}) {
    command->add_option(name, *words, description)->type_name("START COUNT")->expected(2);
  }
  command->add_flag("--raw", args->raw, "also hex, and every pair of words as float32/int32/uint32 in each word order");
  command_line::set_action(*command, [args] { return read(*args); });
}

}  // namespace lookout::cli
