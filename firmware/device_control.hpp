#pragma once
// What the gateway writes to one device, and when: an output module's coils (edge
// interlocks), its heartbeat, and a device's fast mode (XJ-GN1 fast-static). Plain C++:
// the bus thread asks what is due, carries it out and reports back; time is an argument.
//
// An output module named by an interlock is the gateway's: its coils are written at start,
// on every change, and again whenever the coils read back differ from what they should be
// (a module that restarted, a beacon its heartbeat set while the gateway was away). Coils no
// interlock drives are kept off. The heartbeat timeout is written at start and after the
// module comes back, then refreshed at a third of the timeout, so it never expires while the
// gateway lives.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "firmware/device_poller.hpp"

namespace lookout::firmware {

struct DeviceWrite {
  enum class Kind { coils, holding };
  Kind kind = Kind::coils;
  std::uint16_t address = 0;
  std::vector<bool> coils;     ///< coils: from `address` on
  std::uint16_t value = 0;     ///< holding: the word
  bool routine = false;        ///< a heartbeat refresh: not worth a log line
  std::string what;            ///< for logs: "coils siren=1 beacon=0 ...", "heartbeat 30 s", "mode fast"
};

class DeviceControl {
 public:
  /// [ms] wait after a failed write before trying again.
  static constexpr std::int64_t RETRY_MS = 1000;
  /// [ms] longest wait between attempts of a write that keeps failing.
  static constexpr std::int64_t MAX_RETRY_MS = 30000;

  explicit DeviceControl(const DeviceSpec& spec);

  /// The coils the module should have, by name; from now on the gateway owns its coils.
  void want_outputs(const std::map<std::string, bool>& coils);
  /// Fast pace (a warning holds) or normal.
  void want_fast(bool fast);
  bool fast() const { return fast_wanted_; }
  /// The poll period it should have now [ms].
  std::int64_t period_ms() const;

  /// The writes due at `now_ms`, in the order to make them.
  std::vector<DeviceWrite> due(std::int64_t now_ms) const;
  /// [ms] when something is next due (now when something waits; INT64_MAX: nothing).
  std::int64_t next_due_ms(std::int64_t now_ms) const;
  /// After a write was made.
  void done(const DeviceWrite& write, bool ok, std::int64_t now_ms);
  /// After a poll of the device: its readings (coils read back), and whether it answered.
  void after_poll(const std::vector<wire::Reading>& readings, bool answered);

 private:
  bool heartbeat_due(std::int64_t now_ms) const;

  std::string name_;
  const Profile* profile_ = nullptr;
  int heartbeat_s_ = 0;
  std::int64_t poll_ms_ = 0;
  std::int64_t fast_poll_ms_ = 0;

  bool owns_outputs_ = false;
  std::map<std::string, bool> wanted_;
  bool coils_dirty_ = false;
  bool heartbeat_set_ = false;
  std::int64_t next_heartbeat_ms_ = 0;
  bool fast_wanted_ = false;
  std::optional<bool> fast_written_;  ///< unknown at start: the normal mode is written once
  bool offline_ = false;
  std::int64_t retry_after_ms_ = 0;
  int failures_ = 0;  ///< writes failed in a row
};

}  // namespace lookout::firmware
