#include "tools/sim/modbus_pdu.hpp"

namespace lookout::sim {

namespace {

// Quantity limits: Modbus Application Protocol V1.1b3, 6.1 (coils), 6.11 (15), 6.12 (16).
constexpr std::size_t MAX_READ_COILS = 2000;
constexpr std::size_t MAX_WRITE_COILS = 1968;
constexpr std::size_t MAX_WRITE_REGISTERS = 123;
constexpr std::uint16_t COIL_ON = 0xFF00;
constexpr std::uint16_t COIL_OFF = 0x0000;

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

void put16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

std::vector<std::uint8_t> exception(std::uint8_t function, std::uint8_t code) {
  return {static_cast<std::uint8_t>(function | 0x80), code};
}

/// [address, address + count) lies inside [start, start + size).
bool inside(std::size_t start, std::size_t size, std::size_t address, std::size_t count) {
  return address >= start && address + count <= start + size;
}

std::vector<std::uint8_t> read_registers(const Device& device, std::uint8_t function,
                                         std::span<const std::uint8_t> pdu, Seconds uptime) {
  const std::size_t address = be16(&pdu[1]);
  const std::size_t count = be16(&pdu[3]);
  if (count == 0) return exception(function, EX_ILLEGAL_DATA_VALUE);
  // XJ-VW4.md / XJ-RL80.md quirks: "more than N registers ... exception 02".
  if (count > device.max_registers_per_request()) {
    return exception(function, EX_ILLEGAL_DATA_ADDRESS);
  }
  if (count > STANDARD_MAX_READ_REGISTERS) return exception(function, EX_ILLEGAL_DATA_VALUE);
  const auto image = device.registers(uptime);
  const auto& block = function == FC_READ_INPUT ? image.input : image.holding;
  if (!inside(block.start, block.words.size(), address, count)) {
    return exception(function, EX_ILLEGAL_DATA_ADDRESS);
  }
  std::vector<std::uint8_t> out{function, static_cast<std::uint8_t>(count * 2)};
  for (std::size_t i = 0; i < count; ++i) put16(out, block.words[address - block.start + i]);
  return out;
}

std::vector<std::uint8_t> read_coils(const Device& device, std::span<const std::uint8_t> pdu,
                                     Seconds uptime) {
  const std::size_t address = be16(&pdu[1]);
  const std::size_t count = be16(&pdu[3]);
  if (count == 0 || count > MAX_READ_COILS) {
    return exception(FC_READ_COILS, EX_ILLEGAL_DATA_VALUE);
  }
  const auto image = device.registers(uptime);
  const auto& block = image.coils;
  if (!inside(block.start, block.bits.size(), address, count)) {
    return exception(FC_READ_COILS, EX_ILLEGAL_DATA_ADDRESS);
  }
  std::vector<std::uint8_t> out{FC_READ_COILS, static_cast<std::uint8_t>((count + 7) / 8)};
  out.resize(2 + (count + 7) / 8, 0);
  for (std::size_t i = 0; i < count; ++i) {
    if (block.bits[address - block.start + i]) out[2 + i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
  }
  return out;
}

std::vector<std::uint8_t> write_single_coil(Device& device, std::span<const std::uint8_t> pdu,
                                            Seconds uptime) {
  const std::uint16_t address = be16(&pdu[1]);
  const std::uint16_t value = be16(&pdu[3]);
  if (value != COIL_ON && value != COIL_OFF) {
    return exception(FC_WRITE_SINGLE_COIL, EX_ILLEGAL_DATA_VALUE);
  }
  const auto coils = device.registers(uptime).coils;
  if (!inside(coils.start, coils.bits.size(), address, 1)) {
    return exception(FC_WRITE_SINGLE_COIL, EX_ILLEGAL_DATA_ADDRESS);
  }
  device.write_coil(address, value == COIL_ON, uptime);
  return {pdu.begin(), pdu.end()};  // the reply echoes the request
}

std::vector<std::uint8_t> write_single_register(Device& device,
                                                std::span<const std::uint8_t> pdu,
                                                Seconds uptime) {
  const std::uint16_t address = be16(&pdu[1]);
  const std::uint16_t value = be16(&pdu[3]);
  const auto holding = device.registers(uptime).holding;
  if (!inside(holding.start, holding.words.size(), address, 1)) {
    return exception(FC_WRITE_SINGLE_REGISTER, EX_ILLEGAL_DATA_ADDRESS);
  }
  if (!device.holding_value_ok(address, value)) {
    return exception(FC_WRITE_SINGLE_REGISTER, EX_ILLEGAL_DATA_VALUE);
  }
  device.write_holding(address, value, uptime);
  return {pdu.begin(), pdu.end()};
}

std::vector<std::uint8_t> write_multiple_coils(Device& device, std::span<const std::uint8_t> pdu,
                                               Seconds uptime) {
  const std::uint16_t address = be16(&pdu[1]);
  const std::size_t count = be16(&pdu[3]);
  if (count == 0 || count > MAX_WRITE_COILS || pdu[5] != (count + 7) / 8) {
    return exception(FC_WRITE_MULTIPLE_COILS, EX_ILLEGAL_DATA_VALUE);
  }
  const auto coils = device.registers(uptime).coils;
  if (!inside(coils.start, coils.bits.size(), address, count)) {
    return exception(FC_WRITE_MULTIPLE_COILS, EX_ILLEGAL_DATA_ADDRESS);
  }
  for (std::size_t i = 0; i < count; ++i) {
    const bool on = (pdu[6 + i / 8] >> (i % 8)) & 1u;
    device.write_coil(static_cast<std::uint16_t>(address + i), on, uptime);
  }
  return {pdu.begin(), pdu.begin() + 5};
}

std::vector<std::uint8_t> write_multiple_registers(Device& device,
                                                   std::span<const std::uint8_t> pdu,
                                                   Seconds uptime) {
  const std::uint16_t address = be16(&pdu[1]);
  const std::size_t count = be16(&pdu[3]);
  if (count == 0 || pdu[5] != count * 2) {
    return exception(FC_WRITE_MULTIPLE_REGISTERS, EX_ILLEGAL_DATA_VALUE);
  }
  if (count > device.max_registers_per_request()) {
    return exception(FC_WRITE_MULTIPLE_REGISTERS, EX_ILLEGAL_DATA_ADDRESS);
  }
  if (count > MAX_WRITE_REGISTERS) {
    return exception(FC_WRITE_MULTIPLE_REGISTERS, EX_ILLEGAL_DATA_VALUE);
  }
  const auto holding = device.registers(uptime).holding;
  if (!inside(holding.start, holding.words.size(), address, count)) {
    return exception(FC_WRITE_MULTIPLE_REGISTERS, EX_ILLEGAL_DATA_ADDRESS);
  }
  // All or nothing: check every value before writing any.
  for (std::size_t i = 0; i < count; ++i) {
    if (!device.holding_value_ok(static_cast<std::uint16_t>(address + i), be16(&pdu[6 + 2 * i]))) {
      return exception(FC_WRITE_MULTIPLE_REGISTERS, EX_ILLEGAL_DATA_VALUE);
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    device.write_holding(static_cast<std::uint16_t>(address + i), be16(&pdu[6 + 2 * i]), uptime);
  }
  return {pdu.begin(), pdu.begin() + 5};
}

}  // namespace

std::optional<std::size_t> request_pdu_length(std::span<const std::uint8_t> available) {
  if (available.empty()) return 1;
  switch (available[0]) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
      return 5;  // fc, address, quantity or value
    case 0x0F: case 0x10:  // fc, address, quantity, byte count, data
      return available.size() < 6 ? std::size_t{6} : std::size_t{6} + available[5];
    case 0x16:
      return 7;  // fc, address, and mask, or mask
    case 0x17:  // fc, read address, read quantity, write address, write quantity, count, data
      return available.size() < 10 ? std::size_t{10} : std::size_t{10} + available[9];
    default:
      return std::nullopt;
  }
}

bool request_pdu_length_ok(std::span<const std::uint8_t> pdu) {
  if (pdu.empty()) return false;
  const auto expected = request_pdu_length(pdu);
  return !expected || *expected == pdu.size();
}

std::optional<std::vector<std::uint8_t>> answer_request(Device& device,
                                                        std::span<const std::uint8_t> pdu,
                                                        Seconds uptime) {
  if (!device.connected()) return std::nullopt;  // "unplugged": as if the cable were pulled
  if (pdu.empty()) return std::nullopt;
  const std::uint8_t function = pdu[0];
  if (function >= 0x80 || !device.supports_function(function)) {
    return exception(function & 0x7F, EX_ILLEGAL_FUNCTION);
  }
  if (!request_pdu_length_ok(pdu)) return exception(function, EX_ILLEGAL_DATA_VALUE);
  switch (function) {
    case FC_READ_COILS: return read_coils(device, pdu, uptime);
    case FC_READ_HOLDING:
    case FC_READ_INPUT: return read_registers(device, function, pdu, uptime);
    case FC_WRITE_SINGLE_COIL: return write_single_coil(device, pdu, uptime);
    case FC_WRITE_SINGLE_REGISTER: return write_single_register(device, pdu, uptime);
    case FC_WRITE_MULTIPLE_COILS: return write_multiple_coils(device, pdu, uptime);
    case FC_WRITE_MULTIPLE_REGISTERS: return write_multiple_registers(device, pdu, uptime);
    default: return exception(function, EX_ILLEGAL_FUNCTION);
  }
}

}  // namespace lookout::sim
