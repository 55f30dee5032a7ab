#include "gateway/libmodbus_bus.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <modbus.h>

#include "firmware/log.hpp"

namespace lookout::gateway {
namespace {

firmware::BusError classify(int err) {
  switch (err) {
    case ETIMEDOUT: return firmware::BusError::timeout;
    case EMBBADCRC:
    case EMBBADDATA:
    case EMBBADSLAVE:
    case EMBMDATA:
    case EMBBADEXC:
    case EMBUNKEXC: return firmware::BusError::bad_frame;
    default: break;
  }
  if (err > MODBUS_ENOBASE && err < EMBBADCRC) return firmware::BusError::exception;
  return firmware::BusError::io_error;
}

}  // namespace

LibmodbusBus::LibmodbusBus(const BusConfig& config) : config_(config), retries_(config.retries) {
  if (config_.type == BusType::tcp) {
    ctx_ = modbus_new_tcp_pi(config_.host.c_str(), std::to_string(config_.port).c_str());
  } else {
    ctx_ = modbus_new_rtu(config_.device.c_str(), config_.baud, config_.parity, config_.data_bits, config_.stop_bits);
  }
  if (ctx_ == nullptr) {
    throw std::runtime_error("bus " + config_.name + ": cannot create a Modbus context: " + modbus_strerror(errno));
  }
  set_patience(config_.timeout_ms, config_.retries);
  // Garbage after a frame is flushed by libmodbus on error; recover the link ourselves.
  modbus_set_error_recovery(ctx_, static_cast<modbus_error_recovery_mode>(MODBUS_ERROR_RECOVERY_PROTOCOL));
}

void LibmodbusBus::set_patience(int timeout_ms, int retries) {
  const auto ms = static_cast<std::uint32_t>(timeout_ms);
  modbus_set_response_timeout(ctx_, ms / 1000, (ms % 1000) * 1000);
  retries_ = retries;
}

LibmodbusBus::~LibmodbusBus() {
  close();
  modbus_free(ctx_);
}

void LibmodbusBus::close() {
  if (connected_) modbus_close(ctx_);
  connected_ = false;
}

bool LibmodbusBus::ensure_connected(std::string& why) {
  if (connected_) return true;
  if (modbus_connect(ctx_) == -1) {
    why = "connect to " + (config_.type == BusType::tcp ? config_.host + ":" + std::to_string(config_.port)
                                                        : config_.device) +
          " failed: " + modbus_strerror(errno);
    return false;
  }
  if (config_.type == BusType::rtu) {
    if (config_.rs485 && modbus_rtu_set_serial_mode(ctx_, MODBUS_RTU_RS485) == -1) {
      log::warn("bus " + config_.name, std::string("cannot switch ") + config_.device + " to RS-485 mode: " +
                                           modbus_strerror(errno));
    }
    if (!config_.rts.empty()) {
      modbus_rtu_set_rts(ctx_, config_.rts == "up" ? MODBUS_RTU_RTS_UP : MODBUS_RTU_RTS_DOWN);
    }
  }
  connected_ = true;
  return true;
}

firmware::BusResult LibmodbusBus::read_registers(int unit, firmware::RegisterKind kind, std::uint16_t start,
                                                 std::uint16_t count, std::vector<std::uint16_t>& out) {
  firmware::BusResult r;
  for (int attempt = 0; attempt <= retries_; ++attempt) {
    r = read_once(unit, kind, start, count, out);
    // A device that answered with an exception said no; asking again changes nothing.
    if (r.ok() || r.error == firmware::BusError::exception) break;
  }
  return r;
}

void LibmodbusBus::keep_frame_gap() {
  if (config_.frame_gap_us <= 0) return;
  const auto ready = last_frame_ + std::chrono::microseconds(config_.frame_gap_us);
  std::this_thread::sleep_until(ready);
}

firmware::BusResult LibmodbusBus::read_once(int unit, firmware::RegisterKind kind, std::uint16_t start,
                                            std::uint16_t count, std::vector<std::uint16_t>& out) {
  std::string why;
  if (!ensure_connected(why)) return {firmware::BusError::io_error, why};
  out.assign(count, 0);
  modbus_set_slave(ctx_, unit);
  keep_frame_gap();
  int n = -1;
  switch (kind) {
    case firmware::RegisterKind::holding: n = modbus_read_registers(ctx_, start, count, out.data()); break;
    case firmware::RegisterKind::input: n = modbus_read_input_registers(ctx_, start, count, out.data()); break;
    case firmware::RegisterKind::coil: {
      // Function 01: one bit a coil, handed on as one word (0 or 1) a coil.
      std::vector<std::uint8_t> bits(count, 0);
      n = modbus_read_bits(ctx_, start, count, bits.data());
      for (std::size_t i = 0; i < bits.size(); ++i) out[i] = bits[i] ? 1 : 0;
      break;
    }
  }
  last_frame_ = std::chrono::steady_clock::now();
  if (n == count) return {};
  return failure(n, "unit " + std::to_string(unit) + " " +
                        (kind == firmware::RegisterKind::holding ? "HR "
                         : kind == firmware::RegisterKind::input ? "IR "
                                                                 : "CO ") +
                        std::to_string(start) + "+" + std::to_string(count));
}

firmware::BusResult LibmodbusBus::failure(int n, const std::string& what) {
  const int err = errno;
  const auto error = n < 0 ? classify(err) : firmware::BusError::bad_frame;
  std::string message = what + ": " + (n < 0 ? modbus_strerror(err) : "short answer");
  // A TCP connection that failed, or garbage left in a stream, is reopened on the next read.
  if (error == firmware::BusError::io_error || (error == firmware::BusError::bad_frame && config_.type == BusType::tcp)) {
    close();
  } else if (error == firmware::BusError::bad_frame) {
    modbus_flush(ctx_);
  }
  return {error, message};
}

template <typename Call>
firmware::BusResult LibmodbusBus::write_once(int unit, const std::string& what, int expected, Call call) {
  std::string why;
  if (!ensure_connected(why)) return {firmware::BusError::io_error, why};
  modbus_set_slave(ctx_, unit);
  keep_frame_gap();
  const int n = call();
  last_frame_ = std::chrono::steady_clock::now();
  if (n == expected) return {};
  return failure(n, "unit " + std::to_string(unit) + " " + what);
}

firmware::BusResult LibmodbusBus::write_coils(int unit, std::uint16_t start, const std::vector<bool>& values) {
  std::vector<std::uint8_t> bits(values.begin(), values.end());
  const int count = static_cast<int>(bits.size());
  const std::string what = "write CO " + std::to_string(start) + "+" + std::to_string(count);
  firmware::BusResult r;
  // A write that timed out may have been carried out: writing the same values again is safe.
  for (int attempt = 0; attempt <= retries_; ++attempt) {
    r = write_once(unit, what, count, [&] { return modbus_write_bits(ctx_, start, count, bits.data()); });
    if (r.ok() || r.error == firmware::BusError::exception) break;
  }
  return r;
}

firmware::BusResult LibmodbusBus::write_register(int unit, std::uint16_t address, std::uint16_t value) {
  const std::string what = "write HR " + std::to_string(address) + "=" + std::to_string(value);
  firmware::BusResult r;
  for (int attempt = 0; attempt <= retries_; ++attempt) {
    r = write_once(unit, what, 1, [&] { return modbus_write_register(ctx_, address, value); });
    if (r.ok() || r.error == firmware::BusError::exception) break;
  }
  return r;
}

}  // namespace lookout::gateway
