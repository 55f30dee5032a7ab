#include "tools/lookout/bus_options.hpp"

#include <charconv>

namespace lookout::cli {

namespace {

// Modbus over serial line V1.02, 2.5.1.1: 3.5 character times of 11 bits, fixed at
// 1750 us above 19200 baud (datasheets/README.md: "about 4 ms at 9600"). The same rule
// as gateway/site_config.cpp applies to a site file's bus.
constexpr int BITS_PER_CHARACTER = 11;
constexpr int FAST_FRAME_GAP_US = 1750;

const std::string& value_of(const Args& args, std::size_t& i) {
  if (i + 1 >= args.size()) throw UsageError(args[i] + " needs a value");
  return args[++i];
}

}  // namespace

long parse_int_arg(std::string_view what, std::string_view text, long min, long max) {
  long v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || p != end || v < min || v > max) {
    throw UsageError(std::string(what) + " \"" + std::string(text) + "\": want a whole number " +
                     std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

BusOptions default_bus_options() {
  BusOptions o;
  o.bus.name = "cli";
  o.bus.timeout_ms = 300;
  o.bus.retries = 0;
  return o;
}

bool take_bus_option(const Args& args, std::size_t& i, BusOptions& options) {
  const std::string& flag = args[i];
  auto& bus = options.bus;
  if (flag == "--tcp" || flag == "--rtu") {
    if (options.transport_given) throw UsageError("give one of --tcp HOST:PORT or --rtu PATH, once");
    options.transport_given = true;
    options.any_given = true;
    const std::string& v = value_of(args, i);
    if (flag == "--rtu") {
      if (v.empty()) throw UsageError("--rtu wants the path of a serial port, e.g. /dev/ttyUSB0");
      bus.type = gateway::BusType::rtu;
      bus.device = v;
      return true;
    }
    const auto colon = v.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      throw UsageError("--tcp \"" + v + "\": want HOST:PORT, e.g. 127.0.0.1:502");
    }
    bus.type = gateway::BusType::tcp;
    bus.host = v.substr(0, colon);
    if (bus.host.size() > 2 && bus.host.front() == '[' && bus.host.back() == ']') {
      bus.host = bus.host.substr(1, bus.host.size() - 2);
    }
    bus.port = static_cast<int>(parse_int_arg("--tcp port", std::string_view(v).substr(colon + 1), 1, 65535));
    return true;
  }
  if (flag == "--baud") {
    bus.baud = static_cast<int>(parse_int_arg("--baud", value_of(args, i), 1200, 921600));
  } else if (flag == "--parity") {
    const std::string& v = value_of(args, i);
    if (v != "N" && v != "E" && v != "O") throw UsageError("--parity \"" + v + "\": want N, E or O");
    bus.parity = v[0];
  } else if (flag == "--stop-bits") {
    bus.stop_bits = static_cast<int>(parse_int_arg("--stop-bits", value_of(args, i), 1, 2));
  } else if (flag == "--timeout-ms") {
    bus.timeout_ms = static_cast<int>(parse_int_arg("--timeout-ms", value_of(args, i), 10, 10000));
  } else if (flag == "--retries") {
    bus.retries = static_cast<int>(parse_int_arg("--retries", value_of(args, i), 0, 5));
  } else {
    return false;
  }
  options.any_given = true;
  return true;
}

gateway::BusConfig finish_bus_options(BusOptions options) {
  if (!options.transport_given) throw UsageError("say where: --tcp HOST:PORT or --rtu PATH");
  auto& bus = options.bus;
  if (bus.type == gateway::BusType::rtu && bus.frame_gap_us == 0) {
    bus.frame_gap_us =
        bus.baud > 19200 ? FAST_FRAME_GAP_US : (35 * BITS_PER_CHARACTER * 100000 + bus.baud - 1) / bus.baud;
  }
  return bus;
}

std::string describe_bus(const gateway::BusConfig& bus) {
  if (bus.type == gateway::BusType::tcp) {
    const bool v6 = bus.host.find(':') != std::string::npos;
    return "tcp " + (v6 ? "[" + bus.host + "]" : bus.host) + ":" + std::to_string(bus.port);
  }
  return "rtu " + bus.device + " " + std::to_string(bus.baud) + " " + std::to_string(bus.data_bits) + bus.parity +
         std::to_string(bus.stop_bits);
}

}  // namespace lookout::cli
