#include "tools/sim/rtu_frame.hpp"

#include "tools/sim/modbus_pdu.hpp"

namespace lookout::sim {

namespace {

constexpr std::size_t CRC_LENGTH = 2;
constexpr std::size_t MIN_FRAME = 1 + 1 + CRC_LENGTH;  // address, function code, CRC
// Modbus over serial line V1.02, 2.5.1.1: an RTU frame is at most 256 bytes.
constexpr std::size_t MAX_FRAME = 256;

}  // namespace

std::uint16_t crc16_modbus(std::span<const std::uint8_t> bytes) {
  std::uint16_t crc = 0xFFFF;
  for (const auto b : bytes) {
    crc ^= b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001u)
                       : static_cast<std::uint16_t>(crc >> 1);
    }
  }
  return crc;
}

std::vector<std::uint8_t> with_crc(std::vector<std::uint8_t> bytes) {
  const auto crc = crc16_modbus(bytes);
  bytes.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  bytes.push_back(static_cast<std::uint8_t>(crc >> 8));
  return bytes;
}

bool crc_ok(std::span<const std::uint8_t> frame) {
  if (frame.size() < MIN_FRAME) return false;
  const auto body = frame.first(frame.size() - CRC_LENGTH);
  const auto crc = crc16_modbus(body);
  return frame[frame.size() - 2] == (crc & 0xFF) && frame[frame.size() - 1] == (crc >> 8);
}

void RtuFramer::feed(std::span<const std::uint8_t> bytes) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  if (buffer_.size() > MAX_FRAME) {  // no request is this long: noise
    buffer_.clear();
    ++crc_errors_;
  }
}

std::optional<std::vector<std::uint8_t>> RtuFramer::next() {
  if (buffer_.size() < 2) return std::nullopt;
  const std::span<const std::uint8_t> pdu(buffer_.data() + 1, buffer_.size() - 1);
  const auto length = request_pdu_length(pdu);  // final once its byte count is in
  if (!length) return std::nullopt;  // unknown layout: wait for silence
  const std::size_t total = 1 + *length + CRC_LENGTH;
  if (buffer_.size() < total) return std::nullopt;
  std::vector<std::uint8_t> frame(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(total));
  if (!crc_ok(frame)) {
    buffer_.clear();
    ++crc_errors_;
    return std::nullopt;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(total));
  return frame;
}

std::optional<std::vector<std::uint8_t>> RtuFramer::on_silence() {
  auto frame = std::move(buffer_);
  buffer_.clear();
  if (frame.empty()) return std::nullopt;
  if (!crc_ok(frame)) {
    ++crc_errors_;
    return std::nullopt;
  }
  return frame;
}

std::vector<std::uint8_t> answer_rtu_frame(DeviceSet& devices, std::span<const std::uint8_t> frame,
                                           Seconds uptime) {
  if (frame.size() < MIN_FRAME) return {};
  const std::uint8_t unit = frame[0];
  if (unit == 0) return {};  // broadcast: never answered (writes to unit 0 are not simulated)
  auto* device = devices.find_unit(unit);
  if (!device || !device->serial()) return {};
  auto pdu = answer_request(*device, frame.subspan(1, frame.size() - 1 - CRC_LENGTH), uptime);
  if (!pdu) return {};
  std::vector<std::uint8_t> out{unit};
  out.insert(out.end(), pdu->begin(), pdu->end());
  out = with_crc(std::move(out));
  if (device->garbage()) {
    out[out.size() - 2] ^= 0xFF;  // a frame like the real one, but its CRC is wrong
    out[out.size() - 1] ^= 0xFF;
  }
  if (device->truncated()) out.resize(out.size() / 2);  // the rest never comes
  return out;
}

}  // namespace lookout::sim
