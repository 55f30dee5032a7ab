#include "firmware/wire/messages.hpp"

#include <array>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "firmware/log.hpp"
#include "firmware/wire/bounds.hpp"

namespace lookout::wire {
namespace {

using nlohmann::json;

constexpr std::size_t MAX_NAME_LENGTH = 64;
// Timestamps outside [2000-01-01, 2200-01-01) are a clock that was never set, or garbage.
constexpr std::int64_t MIN_TS_MS = 946684800000;
constexpr std::int64_t MAX_TS_MS = 7258118400000;

constexpr std::array<std::string_view, 5> LEVEL_NAMES{"normal", "blue", "yellow", "orange", "red"};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::string name_rule() { return " (1 to " + std::to_string(MAX_NAME_LENGTH) + " of A-Z a-z 0-9 _ -)"; }

/// Thrown inside the decoders only; turned into a DecodeError at their boundary.
struct Invalid {
  std::string reason;
};

const json& field(const json& obj, const std::string& where, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end()) throw Invalid{where + key + ": missing"};
  return *it;
}

/// A value from the message for an error: a string quoted and cut (log::quoted), anything
/// else as JSON, cut.
std::string shown(const json& v) {
  if (v.is_string()) return log::quoted(v.get_ref<const std::string&>());
  return log::escape(v.dump(), log::MAX_FIELD_BYTES);
}

std::string string_field(const json& obj, const std::string& where, const char* key, bool allow_empty = false,
                         std::size_t max_bytes = MAX_TEXT_BYTES) {
  const json& v = field(obj, where, key);
  if (!v.is_string()) throw Invalid{where + key + ": expected a string"};
  auto s = v.get<std::string>();
  if (!allow_empty && s.empty()) throw Invalid{where + key + ": must not be empty"};
  if (s.size() > max_bytes) {
    throw Invalid{where + key + ": " + std::to_string(s.size()) + " bytes, longer than the limit of " +
                  std::to_string(max_bytes) + " (" + log::quoted(s) + ")"};
  }
  return s;
}

/// A string that must be a name (is_valid_name): a gateway's, a device's, an interlock's.
std::string name_field(const json& obj, const std::string& where, const char* key, const char* what) {
  const json& v = field(obj, where, key);
  if (!v.is_string()) throw Invalid{where + key + ": expected a string"};
  auto s = v.get<std::string>();
  if (!is_valid_name(s)) throw Invalid{where + key + ": " + log::quoted(s) + " is not a valid " + what + name_rule()};
  return s;
}

/// A key of an object in a status (a device's or interlock's name).
const std::string& checked_key(const std::string& key, const std::string& where, const char* what) {
  if (!is_valid_name(key)) throw Invalid{where + ": " + log::quoted(key) + " is not a valid " + what + name_rule()};
  return key;
}

std::uint64_t uint_field(const json& obj, const std::string& where, const char* key) {
  const json& v = field(obj, where, key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    throw Invalid{where + key + ": expected a non-negative integer"};
  }
  return v.get<std::uint64_t>();
}

std::int64_t ts_field(const json& obj, const std::string& where, const char* key) {
  const json& v = field(obj, where, key);
  if (!v.is_number_integer()) throw Invalid{where + key + ": expected an integer (UTC milliseconds)"};
  const auto ts = v.get<std::int64_t>();
  if (ts < MIN_TS_MS || ts >= MAX_TS_MS) {
    throw Invalid{where + key + ": " + std::to_string(ts) + " is not a plausible UTC time in milliseconds"};
  }
  return ts;
}

void check_version(const json& j) {
  if (!j.is_object()) throw Invalid{"message: expected a JSON object"};
  const json& v = field(j, "", "v");
  if (!v.is_number_integer() || v.get<std::int64_t>() != PROTOCOL_VERSION) {
    throw Invalid{"v: unsupported protocol version " + shown(v) + " (this build reads 1)"};
  }
}

Reading decode_reading(const json& r, const std::string& where) {
  if (!r.is_object()) throw Invalid{where + ": expected an object"};
  Reading out;
  out.point = string_field(r, where, "point", false, 2 * MAX_NAME_LENGTH + 1);
  if (!is_valid_point_id(out.point)) {
    throw Invalid{where + "point: " + log::quoted(out.point) + " is not of the form device.channel" + name_rule()};
  }
  out.quantity = name_field(r, where, "quantity", "quantity");
  out.unit = string_field(r, where, "unit", true, MAX_UNIT_BYTES);
  out.ts_ms = ts_field(r, where, "ts");
  const auto quality = string_field(r, where, "quality");
  const auto q = quality_from_string(quality);
  if (!q) throw Invalid{where + "quality: " + log::quoted(quality) + " is not one of good, uncertain, bad"};
  out.quality = *q;
  const json& value = field(r, where, "value");
  if (value.is_number()) {
    const double d = value.get<double>();
    if (!std::isfinite(d)) throw Invalid{where + "value: not a finite number"};
    out.value = d;
  } else if (!value.is_null()) {
    throw Invalid{where + "value: expected a number or null"};
  }
  if (const auto it = r.find("status"); it != r.end()) {
    if (!it->is_string()) throw Invalid{where + "status: expected a string"};
    const auto s = device_status_from_string(it->get<std::string>());
    if (!s) throw Invalid{where + "status: unknown device status " + shown(*it)};
    out.status = *s;
  }
  if (out.quality != Quality::bad && !out.value) {
    throw Invalid{where + "value: null with quality " + quality + " (a value without a measurement must be bad)"};
  }
  if (out.quality == Quality::bad && out.value) {
    throw Invalid{where + "value: a bad reading carries no value (send null)"};
  }
  if (out.quality != Quality::good && out.status == DeviceStatus::ok) {
    throw Invalid{where + "status: required when quality is " + quality};
  }
  return out;
}

json encode_reading(const Reading& r) {
  json j{{"point", r.point},
         {"quantity", r.quantity},
         {"value", r.value ? json(*r.value) : json(nullptr)},
         {"unit", r.unit},
         {"ts", r.ts_ms},
         {"quality", to_string(r.quality)}};
  if (r.status != DeviceStatus::ok) j["status"] = to_string(r.status);
  return j;
}

template <typename T, typename F>
Decoded<T> guarded(std::string_view payload, F&& body) {
  auto parsed = parse_bounded(payload);
  if (const auto* why = std::get_if<std::string>(&parsed)) return DecodeError{*why};
  const json& j = std::get<json>(parsed);
  try {
    check_version(j);
    return body(j);
  } catch (const Invalid& e) {
    return DecodeError{e.reason};
  } catch (const json::exception& e) {
    return DecodeError{std::string("message: ") + e.what()};
  }
}

}  // namespace

std::string_view to_string(Level l) { return LEVEL_NAMES[static_cast<std::size_t>(l)]; }

std::optional<Level> level_from_string(std::string_view s) {
  for (std::size_t i = 0; i < LEVEL_NAMES.size(); ++i) {
    if (LEVEL_NAMES[i] == s) return static_cast<Level>(i);
  }
  return std::nullopt;
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > MAX_NAME_LENGTH) return false;
  for (const char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool is_valid_point_id(std::string_view id) {
  const auto dot = id.find('.');
  if (dot == std::string_view::npos) return false;
  return is_valid_name(id.substr(0, dot)) && is_valid_name(id.substr(dot + 1));
}

std::string encode_readings_array(const std::vector<Reading>& readings) {
  json array = json::array();
  for (const auto& r : readings) array.push_back(encode_reading(r));
  return array.dump();
}

std::string encode_readings_batch(const std::string& gateway, std::uint64_t seq, std::uint64_t boot, bool backfill,
                                  std::string_view readings_array, std::uint64_t oldest,
                                  std::uint64_t epoch) {
  json head{{"v", PROTOCOL_VERSION}, {"gateway", gateway}, {"seq", seq}, {"boot", boot}};
  if (backfill) head["backfill"] = true;
  if (oldest != 0) head["oldest"] = oldest;
  if (epoch != 0) head["epoch"] = epoch;
  std::string out = head.dump();
  out.pop_back();  // the closing brace: the readings array goes in before it
  out += ",\"readings\":";
  out += readings_array;
  out += '}';
  return out;
}

std::string encode(const ReadingsBatch& m) {
  return encode_readings_batch(m.gateway, m.seq, m.boot, m.backfill, encode_readings_array(m.readings),
                               m.oldest.value_or(0), m.epoch.value_or(0));
}

std::string encode(const DeliveryAck& m) {
  json j{{"v", PROTOCOL_VERSION}, {"stored", m.stored}};
  if (m.resend_from) j["resend_from"] = *m.resend_from;
  if (m.renumber_after) j["renumber_after"] = *m.renumber_after;
  return j.dump();
}

Decoded<DeliveryAck> decode_ack(std::string_view payload) {
  return guarded<DeliveryAck>(payload, [](const json& j) {
    DeliveryAck m;
    m.stored = uint_field(j, "", "stored");
    if (j.contains("resend_from")) {
      m.resend_from = uint_field(j, "", "resend_from");
      if (*m.resend_from <= m.stored) throw Invalid{"resend_from: " + std::to_string(*m.resend_from) + " is not after stored " + std::to_string(m.stored)};
    }
    if (j.contains("renumber_after")) {
      m.renumber_after = uint_field(j, "", "renumber_after");
      if (m.resend_from) throw Invalid{"renumber_after: not with resend_from"};
    }
    return m;
  });
}

Decoded<ReadingsBatch> decode_readings(std::string_view payload) {
  return guarded<ReadingsBatch>(payload, [](const json& j) {
    ReadingsBatch m;
    m.gateway = name_field(j, "", "gateway", "gateway id");
    m.seq = uint_field(j, "", "seq");
    m.boot = uint_field(j, "", "boot");
    if (const auto it = j.find("backfill"); it != j.end()) {
      if (!it->is_boolean()) throw Invalid{"backfill: expected true or false"};
      m.backfill = it->get<bool>();
    }
    if (j.contains("oldest")) {
      m.oldest = uint_field(j, "", "oldest");
      if (*m.oldest > m.seq) throw Invalid{"oldest: " + std::to_string(*m.oldest) + " is after seq " + std::to_string(m.seq)};
    }
    if (j.contains("epoch")) {
      m.epoch = uint_field(j, "", "epoch");
      if (*m.epoch == 0 || *m.epoch > MAX_EPOCH) {
        throw Invalid{"epoch: " + std::to_string(*m.epoch) + " is not between 1 and 2^53 - 1"};
      }
    }
    const json& readings = field(j, "", "readings");
    if (!readings.is_array()) throw Invalid{"readings: expected an array"};
    if (readings.empty()) throw Invalid{"readings: empty batch"};
    if (readings.size() > MAX_READINGS_PER_BATCH) {
      throw Invalid{"readings: " + std::to_string(readings.size()) + " readings, more than the limit of " +
                    std::to_string(MAX_READINGS_PER_BATCH)};
    }
    m.readings.reserve(readings.size());
    for (std::size_t i = 0; i < readings.size(); ++i) {
      m.readings.push_back(decode_reading(readings[i], "readings[" + std::to_string(i) + "]."));
    }
    return m;
  });
}

std::string encode(const GatewayStatus& m) {
  json j{{"v", PROTOCOL_VERSION}, {"gateway", m.gateway}, {"online", m.online}};
  if (m.online) {
    j["firmware"] = m.firmware;
    j["boot"] = m.boot;
    j["uptime_s"] = m.uptime_s;
    j["ts"] = m.ts_ms;
    j["site_hash"] = m.site_hash;
    j["outbox"] = {{"batches", m.outbox_batches}, {"readings", m.outbox_readings}, {"dropped", m.dropped_readings}};
    json storage{{"fault", m.storage.fault},       {"held", m.storage.held},
                 {"held_max", m.storage.held_max}, {"dropped", m.storage.dropped},
                 {"latched_saved", m.storage.latched_saved}};
    if (m.storage.faulty()) {
      storage["error"] = log::escape(m.storage.error, MAX_TEXT_BYTES - 32);  // room for the cut's note
      storage["since"] = m.storage.since_ms;
    }
    j["storage"] = storage;
    json devices = json::object();
    for (const auto& [name, c] : m.devices) {
      devices[name] = {{"state", c.state},           {"polls", c.polls},
                       {"errors", c.errors},         {"timeouts", c.timeouts},
                       {"exceptions", c.exceptions}, {"bad_frames", c.bad_frames},
                       {"writes", c.writes},         {"write_errors", c.write_errors},
                       {"bus", c.bus}};
    }
    j["devices"] = devices;
    json buses = json::object();
    for (const auto& [name, b] : m.buses) {
      buses[name] = {{"devices", b.devices},       {"online", b.online},     {"polls", b.polls},
                     {"errors", b.errors},         {"timeouts", b.timeouts}, {"exceptions", b.exceptions},
                     {"bad_frames", b.bad_frames}, {"writes", b.writes},     {"write_errors", b.write_errors}};
    }
    j["buses"] = buses;
    if (!m.interlocks.empty()) j["interlocks"] = m.interlocks;
  }
  return j.dump();
}

Decoded<GatewayStatus> decode_status(std::string_view payload) {
  return guarded<GatewayStatus>(payload, [](const json& j) {
    GatewayStatus m;
    m.gateway = name_field(j, "", "gateway", "gateway id");
    const json& online = field(j, "", "online");
    if (!online.is_boolean()) throw Invalid{"online: expected true or false"};
    m.online = online.get<bool>();
    if (!m.online) return m;
    m.firmware = string_field(j, "", "firmware");
    m.boot = uint_field(j, "", "boot");
    const std::uint64_t uptime = uint_field(j, "", "uptime_s");
    if (uptime > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw Invalid{"uptime_s: " + std::to_string(uptime) + " is more than 2^63-1 s"};
    }
    m.uptime_s = static_cast<std::int64_t>(uptime);
    m.ts_ms = ts_field(j, "", "ts");
    m.site_hash = string_field(j, "", "site_hash", true);
    if (const auto it = j.find("outbox"); it != j.end()) {
      if (!it->is_object()) throw Invalid{"outbox: expected an object"};
      m.outbox_batches = uint_field(*it, "outbox.", "batches");
      m.outbox_readings = uint_field(*it, "outbox.", "readings");
      m.dropped_readings = uint_field(*it, "outbox.", "dropped");
    }
    if (const auto it = j.find("storage"); it != j.end()) {
      if (!it->is_object()) throw Invalid{"storage: expected an object"};
      m.storage.fault = name_field(*it, "storage.", "fault", "fault word");
      m.storage.held = uint_field(*it, "storage.", "held");
      m.storage.held_max = uint_field(*it, "storage.", "held_max");
      m.storage.dropped = uint_field(*it, "storage.", "dropped");
      if (const auto saved = it->find("latched_saved"); saved != it->end()) {
        if (!saved->is_boolean()) throw Invalid{"storage.latched_saved: expected true or false"};
        m.storage.latched_saved = saved->get<bool>();
      }
      if (m.storage.faulty()) {
        m.storage.error = string_field(*it, "storage.", "error", true);
        m.storage.since_ms = ts_field(*it, "storage.", "since");
      }
    }
    if (const auto it = j.find("devices"); it != j.end() && it->is_object()) {
      for (const auto& [name, d] : it->items()) {
        const std::string where = "devices." + checked_key(name, "devices", "device name") + ".";
        if (!d.is_object()) throw Invalid{where + ": expected an object"};
        DeviceCounters c;
        c.state = string_field(d, where, "state");
        c.polls = uint_field(d, where, "polls");
        c.errors = uint_field(d, where, "errors");
        // Counters added later are optional, so older gateways' status still reads.
        // clang before 16 cannot capture a structured binding (d): capture a reference to it.
        const auto optional_count = [&obj = d, &where](const char* key) {
          return obj.contains(key) ? uint_field(obj, where, key) : 0;
        };
        c.timeouts = optional_count("timeouts");
        c.exceptions = optional_count("exceptions");
        c.bad_frames = optional_count("bad_frames");
        c.writes = optional_count("writes");
        c.write_errors = optional_count("write_errors");
        if (d.contains("bus")) c.bus = string_field(d, where, "bus", true);
        m.devices[name] = c;
      }
    }
    if (const auto it = j.find("buses"); it != j.end() && it->is_object()) {
      for (const auto& [name, b] : it->items()) {
        if (name.empty() || name.size() > MAX_TEXT_BYTES) {
          throw Invalid{"buses: " + log::quoted(name) + " is not a bus name (1 to " + std::to_string(MAX_TEXT_BYTES) +
                        " bytes)"};
        }
        const std::string where = "buses." + log::escape(name, MAX_TEXT_BYTES) + ".";
        if (!b.is_object()) throw Invalid{where + ": expected an object"};
        const auto count = [&obj = b, &where](const char* key) {
          return obj.contains(key) ? uint_field(obj, where, key) : 0;
        };
        m.buses[name] = {count("devices"), count("online"),     count("polls"),  count("errors"),      count("timeouts"),
                         count("exceptions"), count("bad_frames"), count("writes"), count("write_errors")};
      }
    }
    if (const auto it = j.find("interlocks"); it != j.end() && it->is_object()) {
      for (const auto& [name, state] : it->items()) {
        const std::string where = "interlocks." + checked_key(name, "interlocks", "interlock name");
        if (!state.is_string()) throw Invalid{where + ": expected a string"};
        if (state.get_ref<const std::string&>().size() > MAX_NAME_LENGTH) {
          throw Invalid{where + ": " + shown(state) + " is not an interlock state"};
        }
        m.interlocks[name] = state.get<std::string>();
      }
    }
    return m;
  });
}

std::string encode(const AlarmMessage& m) {
  json j{{"v", PROTOCOL_VERSION},
              {"enterprise", m.enterprise},
              {"site", m.site},
              {"point", m.point},
              {"quantity", m.quantity},
              {"level", to_string(m.level)},
              {"state", m.state},
              {"rule", m.rule},
              {"value", m.value ? json(*m.value) : json(nullptr)},
              {"unit", m.unit},
              {"ts", m.ts_ms},
              {"since", m.since_ms},
              {"kind", m.kind},
              {"page", m.page}};
  if (m.id != 0) j["id"] = m.id;
  return j.dump();
}

Decoded<AlarmMessage> decode_alarm(std::string_view payload) {
  return guarded<AlarmMessage>(payload, [](const json& j) {
    AlarmMessage m;
    m.enterprise = string_field(j, "", "enterprise");
    m.site = string_field(j, "", "site");
    m.point = string_field(j, "", "point");
    m.quantity = string_field(j, "", "quantity");
    const auto level = string_field(j, "", "level");
    const auto l = level_from_string(level);
    if (!l) throw Invalid{"level: " + log::quoted(level) + " is not a warning level"};
    m.level = *l;
    m.state = string_field(j, "", "state");
    m.rule = string_field(j, "", "rule", true);
    const json& value = field(j, "", "value");
    if (value.is_number()) m.value = value.get<double>();
    m.unit = string_field(j, "", "unit", true);
    m.ts_ms = ts_field(j, "", "ts");
    m.since_ms = ts_field(j, "", "since");
    if (const auto id = j.find("id"); id != j.end() && id->is_number_integer()) m.id = id->get<std::int64_t>();
    // Added after v1 first shipped: optional, with the meaning they had before.
    if (const auto it = j.find("kind"); it != j.end()) {
      if (!it->is_string()) throw Invalid{"kind: expected a string"};
      m.kind = it->get<std::string>();
    }
    if (const auto it = j.find("page"); it != j.end()) {
      if (!it->is_boolean()) throw Invalid{"page: expected true or false"};
      m.page = it->get<bool>();
    }
    return m;
  });
}

}  // namespace lookout::wire
