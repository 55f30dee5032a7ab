#pragma once
// The messages on the MQTT wire, version 1 (docs/protocol.md). One piece of code writes
// and reads every message: the gateway encodes with it, the aggregator decodes with it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "firmware/wire/reading.hpp"

namespace lookout::wire {

inline constexpr int PROTOCOL_VERSION = 1;

/// `.../up/readings`: a batch of readings from one gateway.
struct ReadingsBatch {
  std::string gateway;
  std::uint64_t seq = 0;     ///< never goes back, not even across reboots
  std::uint64_t boot = 0;    ///< the gateway's boot count when it sent this
  bool backfill = false;     ///< sent late, after a loss of contact
  std::vector<Reading> readings;
  /// The oldest seq the gateway still keeps: every batch before it that the aggregator has
  /// not stored is gone for good (dropped from a full outbox). Absent from older gateways.
  std::optional<std::uint64_t> oldest = std::nullopt;
  /// The gateway's outbox, by a random number made with it (1 to 2^53 - 1): a new one (a
  /// wiped data directory, a re-flashed board) numbers from 1 again. Absent from older gateways.
  std::optional<std::uint64_t> epoch = std::nullopt;
};

/// The largest epoch: JSON numbers are exact up to here in every reader.
inline constexpr std::uint64_t MAX_EPOCH = (std::uint64_t{1} << 53) - 1;

/// `.../down/ack`, from the aggregator: what it has durably stored of the gateway's batches.
struct DeliveryAck {
  /// Every batch with seq <= stored is on the aggregator's disk (or gone for good: older
  /// than a batch's `oldest`); the gateway may forget them.
  std::uint64_t stored = 0;
  /// Set when the aggregator holds later batches than `stored` + 1: send again from here.
  std::optional<std::uint64_t> resend_from;
  /// Set when the batch came from an outbox new to the aggregator (another epoch) under a
  /// seq it has already stored from this gateway: it stored nothing of it; number every
  /// unacknowledged batch after this one and send them again.
  std::optional<std::uint64_t> renumber_after = std::nullopt;
};

/// Per-device counters in a gateway status message.
struct DeviceCounters {
  std::string state;  ///< "online" or "offline"
  std::uint64_t polls = 0;
  std::uint64_t errors = 0;      ///< polls that failed
  std::uint64_t timeouts = 0;    ///< no answer in time
  std::uint64_t exceptions = 0;  ///< Modbus exception responses
  std::uint64_t bad_frames = 0;  ///< CRC errors, garbage, wrong lengths
  std::uint64_t writes = 0;        ///< coil and register writes made (edge safety, fast mode)
  std::uint64_t write_errors = 0;  ///< writes that failed
  std::string bus;               ///< the bus it is on
};

/// A bus's totals over its devices in a gateway status message.
struct BusCounters {
  std::uint64_t devices = 0;
  std::uint64_t online = 0;  ///< devices answering
  std::uint64_t polls = 0;
  std::uint64_t errors = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t exceptions = 0;
  std::uint64_t bad_frames = 0;
  std::uint64_t writes = 0;
  std::uint64_t write_errors = 0;
};

/// A gateway's storage in its status: whether its outbox takes what is polled, and what
/// waits in memory meanwhile (docs/config.md "Storage faults").
struct StorageStatus {
  /// "none"; "disk_full": no room in data_dir (SQLITE_FULL, ENOSPC, EDQUOT); "write_failed":
  /// another error of the outbox. Other words may come from later gateways: any but "none" is a fault.
  std::string fault = "none";
  std::string error;            ///< what the outbox said, while faulty (at most 256 bytes)
  std::int64_t since_ms = 0;    ///< [ms UTC] when the fault began; 0 without one
  std::uint64_t held = 0;       ///< readings held in memory, waiting for the outbox
  std::uint64_t held_max = 0;   ///< the bound of held readings; beyond it the oldest are dropped
  std::uint64_t dropped = 0;    ///< held readings dropped at the bound since the gateway started
  bool latched_saved = true;    ///< data_dir/edge_state.json holds the latched interlocks as they are
  bool faulty() const { return fault != "none"; }
};

/// `.../up/status`, retained. The broker's last will publishes it with online = false.
struct GatewayStatus {
  std::string gateway;
  bool online = false;
  std::string firmware;
  std::uint64_t boot = 0;
  std::int64_t uptime_s = 0;
  std::int64_t ts_ms = 0;
  std::string site_hash;
  std::uint64_t outbox_batches = 0;    ///< batches waiting for the aggregator's acknowledgement
  std::uint64_t outbox_readings = 0;   ///< readings in them
  std::uint64_t dropped_readings = 0;  ///< dropped because the outbox was full (ever)
  StorageStatus storage;               ///< absent from older gateways: read as no fault
  std::map<std::string, DeviceCounters> devices;
  std::map<std::string, BusCounters> buses;
  /// Per edge interlock: "idle", "tripped" or "awaiting_reset" (latched, value restored).
  std::map<std::string, std::string> interlocks;
};

/// Warning levels, lowest to highest (standards.md "Warning levels"); normal is no level.
enum class Level { normal = 0, blue = 1, yellow = 2, orange = 3, red = 4 };
std::string_view to_string(Level l);
std::optional<Level> level_from_string(std::string_view s);

/// `lookout/v1/{enterprise}/{site}/alarms/{point}`, retained: the current alarm state.
struct AlarmMessage {
  std::string enterprise;
  std::string site;
  std::string point;
  std::string quantity;
  Level level = Level::normal;
  std::string state;  ///< ISA-18.2 state, e.g. "active_unacknowledged", "normal"
  std::string rule;   ///< which rule decided, e.g. "methane.working_face"
  std::optional<double> value;
  std::string unit;
  std::int64_t ts_ms = 0;     ///< time of the reading that decided
  std::int64_t since_ms = 0;  ///< when this level began
  std::int64_t id = 0;        ///< the alarm (occurrence) id of the HTTP API; 0: none yet
  std::string kind = "threshold";  ///< the rule kind: threshold, rate, tangent_angle, accumulation, derived, comm_loss, sensor_fault
  /// false: a change that notifications skip (an alarm that rose and cleared inside a
  /// backfilled batch: history, not news).
  bool page = true;
};

/// A message that failed validation: what and where.
struct DecodeError {
  std::string reason;
};

template <typename T>
using Decoded = std::variant<T, DecodeError>;

std::string encode(const ReadingsBatch& m);
/// The "readings" array alone, for an outbox that keeps readings apart from their envelope.
std::string encode_readings_array(const std::vector<Reading>& readings);
/// A readings batch around an array made by encode_readings_array.
/// `oldest`: the oldest seq the gateway keeps (ReadingsBatch::oldest), 0 for none; `epoch`:
/// its outbox's (ReadingsBatch::epoch), 0 for none.
std::string encode_readings_batch(const std::string& gateway, std::uint64_t seq, std::uint64_t boot, bool backfill,
                                  std::string_view readings_array, std::uint64_t oldest = 0,
                                  std::uint64_t epoch = 0);
std::string encode(const GatewayStatus& m);
std::string encode(const AlarmMessage& m);
std::string encode(const DeliveryAck& m);

Decoded<ReadingsBatch> decode_readings(std::string_view payload);
Decoded<GatewayStatus> decode_status(std::string_view payload);
Decoded<AlarmMessage> decode_alarm(std::string_view payload);
Decoded<DeliveryAck> decode_ack(std::string_view payload);

/// Point ids are "{device}.{channel}", each part [A-Za-z0-9_-]{1,64}.
bool is_valid_point_id(std::string_view id);
/// Names used as one topic level (enterprise, site, gateway, device): [A-Za-z0-9_-]{1,64}.
bool is_valid_name(std::string_view name);

}  // namespace lookout::wire
