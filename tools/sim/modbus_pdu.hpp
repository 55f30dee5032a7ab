#pragma once
// The Modbus server side without I/O: one request PDU (function code + data) in, the
// device's reply PDU out. Both transports (TCP: MBAP, RTU: address + CRC) wrap this, so a
// device answers the same way on either. PDU layouts: Modbus Application Protocol V1.1b3,
// section 6; exception codes: section 7.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tools/sim/device.hpp"

namespace lookout::sim {

inline constexpr std::uint8_t FC_READ_COILS = 0x01;
inline constexpr std::uint8_t FC_READ_HOLDING = 0x03;
inline constexpr std::uint8_t FC_READ_INPUT = 0x04;
inline constexpr std::uint8_t FC_WRITE_SINGLE_COIL = 0x05;
inline constexpr std::uint8_t FC_WRITE_SINGLE_REGISTER = 0x06;
inline constexpr std::uint8_t FC_WRITE_MULTIPLE_COILS = 0x0F;
inline constexpr std::uint8_t FC_WRITE_MULTIPLE_REGISTERS = 0x10;

inline constexpr std::uint8_t EX_ILLEGAL_FUNCTION = 0x01;
inline constexpr std::uint8_t EX_ILLEGAL_DATA_ADDRESS = 0x02;
inline constexpr std::uint8_t EX_ILLEGAL_DATA_VALUE = 0x03;

/// Length of a request PDU judged from its first bytes: nullopt for a function code whose
/// layout is unknown here (the transport must frame it some other way). When `available`
/// is too short to tell, the result is a lower bound: ask again with more bytes.
std::optional<std::size_t> request_pdu_length(std::span<const std::uint8_t> available);

/// Whether a complete request PDU has the length its function code implies (unknown
/// function codes pass: the device answers them with exception 01).
bool request_pdu_length_ok(std::span<const std::uint8_t> pdu);

/// The reply PDU of `device` to a request PDU, applying writes to it. nullopt when the
/// device is unplugged (connected 0): no answer at all.
std::optional<std::vector<std::uint8_t>> answer_request(Device& device,
                                                        std::span<const std::uint8_t> pdu,
                                                        Seconds uptime);

}  // namespace lookout::sim
