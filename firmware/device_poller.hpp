#pragma once
// Polls one device: reads its registers, decodes them through its profile, and turns the
// result into readings with quality, or into offline readings when it does not answer.

#include <cstdint>
#include <string>
#include <vector>

#include "firmware/clock.hpp"
#include "firmware/modbus_bus.hpp"
#include "firmware/profile.hpp"
#include "firmware/read_plan.hpp"
#include "firmware/wire/reading.hpp"

namespace lookout::firmware {

struct DeviceSpec {
  std::string name;  ///< device part of the point ids
  int unit = 1;      ///< Modbus unit id
  const Profile* profile = nullptr;
  int poll_ms = 2000;
  int max_gap = 8;   ///< registers that may be bridged between fields in one request
  DeviceOptions options{};  ///< calibration and installation record, checked by check_options
  int fast_poll_ms = 0;      ///< poll period while a warning speeds it up; 0 = poll_ms
  int heartbeat_s = 0;       ///< output module: heartbeat timeout to set [s]; 0 = off
};

struct DeviceCounters {
  std::uint64_t polls = 0;
  std::uint64_t errors = 0;            ///< polls that failed
  std::uint64_t timeouts = 0;
  std::uint64_t exceptions = 0;
  std::uint64_t bad_frames = 0;
  std::uint64_t consecutive_failures = 0;
  std::string last_error;
};

class DevicePoller {
 public:
  /// Throws std::invalid_argument without a profile or when check_options finds an issue.
  explicit DevicePoller(DeviceSpec spec);

  /// One poll: every channel gets a reading, good or not, except what the device has
  /// nothing new for (an XJ-GN1 epoch already sent, XJ-RG2's first count: a baseline).
  std::vector<wire::Reading> poll(ModbusBus& bus, const Clock& clock);

  /// Readings of every channel as offline, without touching the bus (a device backing off).
  std::vector<wire::Reading> offline_readings(std::int64_t ts_ms) const;

  const DeviceSpec& spec() const { return spec_; }
  const DeviceCounters& counters() const { return counters_; }
  bool online() const { return counters_.polls > 0 && counters_.consecutive_failures == 0; }
  /// What the profile keeps between polls (previous counts, last epoch).
  const DeviceState& state() const { return state_; }
  /// The part of state() the gateway keeps across restarts (Profile::kept_state): empty for
  /// most models, XJ-GN1's last epoch.
  DeviceState kept_state() const;
  /// Restores what a previous run kept (kept_state()); names the profile does not keep are
  /// ignored, so a stale entry cannot invent history.
  void restore(const DeviceState& kept);

 private:
  void remember(const std::vector<ChannelValue>& values);

  DeviceSpec spec_;
  std::vector<ReadRequest> plan_;
  DeviceCounters counters_;
  DeviceState state_;
  /// The channels as last seen, so offline readings keep their quantity and unit.
  std::vector<ChannelValue> last_channels_;
};

}  // namespace lookout::firmware
