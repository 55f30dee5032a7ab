#include "tools/lookout/bus_options.hpp"

#include <charconv>

#include <CLI/CLI.hpp>

namespace lookout::cli {

namespace {

// Modbus over serial line V1.02, 2.5.1.1: 3.5 character times of 11 bits, fixed at
// 1750 us above 19200 baud (datasheets/README.md: "about 4 ms at 9600"). The same rule
// as gateway/site_config.cpp applies to a site file's bus.
constexpr int BITS_PER_CHARACTER = 11;
constexpr int FAST_FRAME_GAP_US = 1750;

void add(CLI::App& command, const char* name, std::optional<std::string>& into, const char* type,
         const char* description) {
  command.add_option_function<std::string>(name, [&into](const std::string& v) { into = v; }, description)
      ->type_name(type);
}

}  // namespace

bool BusArgs::any() const { return tcp || rtu || baud || parity || stop_bits || timeout_ms || retries; }

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

void add_bus_options(CLI::App& command, BusArgs& given) {
  add(command, "--tcp", given.tcp, "HOST:PORT", "Modbus TCP: a device or a serial-to-TCP gateway");
  add(command, "--rtu", given.rtu, "PATH", "Modbus RTU on this serial port, e.g. /dev/ttyUSB0");
  add(command, "--baud", given.baud, "N", "serial line speed (default 9600)");
  add(command, "--parity", given.parity, "N|E|O", "serial line parity (default N)");
  add(command, "--stop-bits", given.stop_bits, "1|2", "serial line stop bits (default 1)");
  add(command, "--timeout-ms", given.timeout_ms, "N", "[ms] wait for each answer (default 300)");
  add(command, "--retries", given.retries, "N", "asks again after no answer (default 0)");
}

gateway::BusConfig finish_bus_options(const BusArgs& given) {
  gateway::BusConfig bus;
  bus.name = "cli";
  bus.timeout_ms = 300;
  bus.retries = 0;
  if (given.tcp && given.rtu) throw UsageError("give one of --tcp HOST:PORT or --rtu PATH, once");
  if (given.rtu) {
    if (given.rtu->empty()) throw UsageError("--rtu wants the path of a serial port, e.g. /dev/ttyUSB0");
    bus.type = gateway::BusType::rtu;
    bus.device = *given.rtu;
  }
  if (given.tcp) {
    const std::string& v = *given.tcp;
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
  }
  if (given.baud) bus.baud = static_cast<int>(parse_int_arg("--baud", *given.baud, 1200, 921600));
  if (given.parity) {
    const std::string& v = *given.parity;
    if (v != "N" && v != "E" && v != "O") throw UsageError("--parity \"" + v + "\": want N, E or O");
    bus.parity = v[0];
  }
  if (given.stop_bits) bus.stop_bits = static_cast<int>(parse_int_arg("--stop-bits", *given.stop_bits, 1, 2));
  if (given.timeout_ms) bus.timeout_ms = static_cast<int>(parse_int_arg("--timeout-ms", *given.timeout_ms, 10, 10000));
  if (given.retries) bus.retries = static_cast<int>(parse_int_arg("--retries", *given.retries, 0, 5));
  if (!given.tcp && !given.rtu) throw UsageError("say where: --tcp HOST:PORT or --rtu PATH");
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
