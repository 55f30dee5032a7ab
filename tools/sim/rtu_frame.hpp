#pragma once
// Modbus RTU framing without I/O (Modbus over serial line V1.02, 2.5.1): address, PDU,
// CRC-16 low byte first. Requests are cut by function code and length, and by line silence
// where the function code does not tell the length.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tools/sim/device_set.hpp"

namespace lookout::sim {

/// CRC-16/MODBUS: polynomial 0xA001 (reflected 0x8005), initial value 0xFFFF.
std::uint16_t crc16_modbus(std::span<const std::uint8_t> bytes);

/// bytes + their CRC, low byte first.
std::vector<std::uint8_t> with_crc(std::vector<std::uint8_t> bytes);

/// Whether a frame (address + PDU + CRC) carries a correct CRC.
bool crc_ok(std::span<const std::uint8_t> frame);

/// Cuts the byte stream of one serial line into request frames.
class RtuFramer {
 public:
  void feed(std::span<const std::uint8_t> bytes);

  /// The next complete frame with a good CRC, if there is one. A frame whose CRC is wrong
  /// is dropped together with everything after it in the buffer, since its end cannot be
  /// trusted: a real slave discards it and waits for the next silence.
  std::optional<std::vector<std::uint8_t>> next();

  /// The line has been silent for the inter-frame gap: what is buffered ends here. Returns
  /// it as a frame when its CRC is good (a function code next() cannot size), else drops it.
  std::optional<std::vector<std::uint8_t>> on_silence();

  bool empty() const { return buffer_.empty(); }
  std::size_t crc_errors() const { return crc_errors_; }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t crc_errors_ = 0;
};

/// The reply frame of `devices` to one request frame (CRC already checked); empty when
/// nobody answers: unit 0 (broadcast), no device with that unit id, a Modbus TCP model,
/// or an unplugged device. A device in garbage mode answers with a bad CRC; a truncated one
/// with the first half of its reply.
std::vector<std::uint8_t> answer_rtu_frame(DeviceSet& devices, std::span<const std::uint8_t> frame,
                                           Seconds uptime);

}  // namespace lookout::sim
