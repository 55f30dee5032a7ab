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
#include <optional>

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

}  // namespace

int read(const Args& args) {
  BusOptions options = default_bus_options();
  RawRequest q;
  std::string board_file;
  std::vector<std::string> positional;
  bool unit_given = false;
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const auto& a = args[i];
      if (take_bus_option(args, i, options)) continue;
      if (a == "--board" && i + 1 < args.size()) {
        board_file = args[++i];
      } else if (a == "--unit" && i + 1 < args.size()) {
        // 0 is broadcast: nothing answers it (Modbus over serial line V1.02, 2.2)
        q.unit = static_cast<int>(parse_int_arg("--unit", args[++i], 1, 247));
        unit_given = true;
      } else if (a == "--holding" || a == "--input" || a == "--coils") {
        if (q.kind) throw UsageError("give one of --holding, --input or --coils");
        q.kind = a == "--holding" ? firmware::RegisterKind::holding
                 : a == "--input" ? firmware::RegisterKind::input
                                  : firmware::RegisterKind::coil;
        if (i + 2 >= args.size()) throw UsageError(a + " wants START COUNT");
        q.start = static_cast<std::uint16_t>(parse_int_arg(a + " START", args[i + 1], 0, 65535));
        // Modbus Application Protocol V1.1b3, 6.1-6.4: at most 125 registers or 2000 coils
        const long max = q.kind == firmware::RegisterKind::coil ? 2000 : 125;
        q.count = static_cast<std::uint16_t>(parse_int_arg(a + " COUNT", args[i + 2], 1, max));
        if (q.start + q.count > 65536) throw UsageError(a + ": START + COUNT runs past address 65535");
        i += 2;
      } else if (a == "--raw") {
        q.raw = true;
      } else if (a.starts_with("--")) {
        throw UsageError("unknown argument \"" + a + "\"");
      } else {
        positional.push_back(a);
      }
    }
    if (options.transport_given) {
      if (!positional.empty()) throw UsageError("give either SITE.toml DEVICE or --tcp/--rtu, not both");
      if (!unit_given) throw UsageError("--unit N is required with --tcp/--rtu");
      if (!q.kind) throw UsageError("say what to read: --holding, --input or --coils START COUNT");
      return read_raw(finish_bus_options(options), q);
    }
    if (positional.size() != 2) throw UsageError("want SITE.toml DEVICE, or --tcp/--rtu with --unit");
    if (unit_given || q.kind || q.raw || options.any_given) {
      throw UsageError("--unit, --holding/--input/--coils, --raw and bus options go with --tcp/--rtu; "
                       "the site file says how to reach a device");
    }
  } catch (const UsageError& e) {
    std::cerr << "lookout read: " << e.what() << "\n" << USAGE;
    return 2;
  }
  return read_site_device(positional[0], positional[1], board_file);
}

}  // namespace lookout::cli
