#include "gateway/site_config.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "firmware/config/endpoint.hpp"
#include "firmware/config/toml_checker.hpp"
#include "firmware/wire/messages.hpp"
#include "gateway/board_config.hpp"
#include "gateway/edge_config.hpp"

namespace lookout::gateway {
namespace {


std::string fingerprint(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

/// "host:port" (IPv6 as "[::1]:port").
std::string supported_models_text() {
  std::string out;
  for (const auto m : firmware::supported_models()) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

void read_gateway(config::TomlChecker& c, const toml::table& root, SiteConfig& site, const BoardConfig* board) {
  const toml::table* gw = c.table(root, "", "gateway", true);
  if (gw == nullptr) return;
  c.only_keys(*gw, "gateway", {"id", "enterprise", "site", "data_dir", "publish_interval_ms", "status_interval_s",
                         "outbox_max_readings", "held_max_readings"});
  const auto name = [&](std::string_view key, std::string& out) {
    if (auto v = c.string(*gw, "gateway", key, true)) {
      if (wire::is_valid_name(*v)) {
        out = *v;
      } else {
        c.issue(*gw->get(key), "gateway." + std::string(key) + ": \"" + *v +
                                   "\" may hold only letters, digits, '_' and '-' (1 to 64)");
      }
    }
  };
  name("id", site.address.gateway);
  name("enterprise", site.address.enterprise);
  name("site", site.address.site);
  const bool board_has_data_dir = board != nullptr && !board->data_dir.empty();
  if (board_has_data_dir) site.data_dir = board->data_dir;
  if (auto v = c.string(*gw, "gateway", "data_dir", !board_has_data_dir)) {
    std::filesystem::path p(*v);
    site.data_dir = p.is_absolute() ? p : site.file.parent_path() / p;
  }
  if (auto v = c.integer(*gw, "gateway", "publish_interval_ms", false, 50, 60000)) {
    site.publish_interval_ms = static_cast<int>(*v);
  }
  if (auto v = c.integer(*gw, "gateway", "outbox_max_readings", false, 100, 100000000)) {
    site.outbox_max_readings = static_cast<std::size_t>(*v);
  }
  if (auto v = c.integer(*gw, "gateway", "held_max_readings", false, 100, 1000000)) {
    site.held_max_readings = static_cast<std::size_t>(*v);
  }
  if (auto v = c.integer(*gw, "gateway", "status_interval_s", false, 1, 3600)) {
    site.status_interval_s = static_cast<int>(*v);
  }
}

void read_mqtt(config::TomlChecker& c, const toml::table& root, SiteConfig& site) {
  const toml::table* m = c.table(root, "", "mqtt", true);
  if (m == nullptr) return;
  c.only_keys(*m, "mqtt", {"uri", "username", "password", "keepalive_s", "qos", "ca_file", "cert_file", "key_file"});
  if (auto v = c.string(*m, "mqtt", "uri", true)) {
    if (const auto problem = config::mqtt_uri_problem(*v); problem.empty()) {
      site.mqtt.uri = *v;
    } else {
      c.issue(*m->get("uri"), "mqtt.uri: \"" + *v + "\": " + problem);
    }
  }
  if (auto v = c.string(*m, "mqtt", "username", false)) site.mqtt.username = *v;
  if (auto v = c.string(*m, "mqtt", "password", false)) site.mqtt.password = *v;
  if (auto v = c.integer(*m, "mqtt", "keepalive_s", false, 2, 3600)) site.mqtt.keepalive_s = static_cast<int>(*v);
  // TLS files, relative paths from the site file's folder.
  const bool tls = site.mqtt.uri.starts_with("ssl://") || site.mqtt.uri.starts_with("mqtts://");
  const auto path = [&](std::string_view key, std::string& out) {
    if (auto v = c.string(*m, "mqtt", key, false)) {
      if (!tls) {
        c.issue(*m->get(key), "mqtt." + std::string(key) + ": only used with an ssl:// uri (the uri is not)");
        return;
      }
      const std::filesystem::path p(*v);
      out = (p.is_absolute() ? p : site.file.parent_path() / p).string();
    }
  };
  path("ca_file", site.mqtt.ca_file);
  path("cert_file", site.mqtt.cert_file);
  path("key_file", site.mqtt.key_file);
  if (site.mqtt.cert_file.empty() != site.mqtt.key_file.empty()) {
    c.issue(*m, "mqtt: cert_file and key_file go together (a client certificate and its key)");
  }
  if (auto v = c.integer(*m, "mqtt", "qos", false, 1, 1)) site.mqtt.qos = static_cast<int>(*v);
}

/// `calibration = { key = value, ... }`: per-sensor numbers and words the model declares
/// (firmware/profiles), checked against the profile with each problem at its key.
void read_calibration(config::TomlChecker& c, const toml::table& d, const std::string& where,
                      firmware::DeviceSpec& spec) {
  const toml::table* cal = c.table(d, where, "calibration", false);
  const toml::node* at = cal != nullptr ? static_cast<const toml::node*>(cal) : &d;
  if (cal != nullptr) {
    for (const auto& [key, node] : *cal) {
      const std::string k(key.str());
      if (const auto* f = node.as_floating_point()) {
        if (std::isfinite(f->get())) {
          spec.options.set(k, f->get());
        } else {
          c.issue(node, where + ".calibration." + k + ": expected a finite number, found " +
                            (std::isnan(f->get()) ? "nan" : "inf"));
        }
      } else if (const auto* i = node.as_integer()) {
        spec.options.set(k, static_cast<double>(i->get()));
      } else if (const auto* s = node.as_string()) {
        spec.options.set(k, s->get());
      } else {
        c.issue(node, where + ".calibration." + k + ": expected a number or a word");
      }
    }
  }
  if (spec.profile == nullptr) return;
  for (const auto& issue : firmware::check_options(*spec.profile, spec.options)) {
    const toml::node* n = cal != nullptr && !issue.key.empty() ? cal->get(issue.key) : nullptr;
    std::string message = issue.message;
    if (!issue.key.empty() && message.starts_with(issue.key + ": ")) message.erase(0, issue.key.size() + 2);
    c.issue(n != nullptr ? *n : *at,
            where + ".calibration" + (issue.key.empty() ? "" : "." + issue.key) + ": " + message);
  }
}

firmware::DeviceSpec read_device(config::TomlChecker& c, const toml::table& d, const std::string& where,
                                 std::set<std::string>& device_names) {
  c.only_keys(d, where, {"name", "model", "unit", "poll_ms", "fast_poll_ms", "heartbeat_s", "max_gap", "calibration"});
  firmware::DeviceSpec spec;
  if (auto v = c.string(d, where, "name", true)) {
    if (!wire::is_valid_name(*v)) {
      c.issue(*d.get("name"), where + ".name: \"" + *v + "\" may hold only letters, digits, '_' and '-'");
    } else if (!device_names.insert(*v).second) {
      c.issue(*d.get("name"), where + ".name: device \"" + *v + "\" is named twice in this site");
    }
    spec.name = *v;
  }
  if (auto v = c.string(d, where, "model", true)) {
    spec.profile = firmware::find_profile(*v);
    if (spec.profile == nullptr) {
      c.issue(*d.get("model"), where + ".model: unknown model \"" + *v + "\"; supported: " + supported_models_text());
    }
  }
  // Modbus unit ids 1..247 address one device on a serial line.
  if (auto v = c.integer(d, where, "unit", true, 1, 247)) spec.unit = static_cast<int>(*v);
  spec.poll_ms = spec.profile != nullptr ? spec.profile->recommended_poll_ms : 2000;
  if (auto v = c.integer(d, where, "poll_ms", false, 100, 86400000)) spec.poll_ms = static_cast<int>(*v);
  if (auto v = c.integer(d, where, "fast_poll_ms", false, 100, 86400000)) spec.fast_poll_ms = static_cast<int>(*v);
  if (spec.profile != nullptr && spec.profile->heartbeat) spec.heartbeat_s = spec.profile->heartbeat->default_timeout_s;
  if (auto v = c.integer(d, where, "heartbeat_s", false, 0, 65535)) {
    if (spec.profile != nullptr && !spec.profile->heartbeat) {
      c.issue(*d.get("heartbeat_s"), where + ".heartbeat_s: an " + std::string(spec.profile->model) +
                                         " has no heartbeat (only output modules such as the XJ-AR4)");
    }
    spec.heartbeat_s = static_cast<int>(*v);
  }
  if (auto v = c.integer(d, where, "max_gap", false, 0, 100)) spec.max_gap = static_cast<int>(*v);
  read_calibration(c, d, where, spec);
  return spec;
}

void read_buses(config::TomlChecker& c, const toml::table& root, SiteConfig& site, const BoardConfig* board) {
  std::set<std::string> bus_names;
  std::set<std::string> device_names;
  int index = 0;
  for (const toml::table* b : c.tables(root, "", "bus", true)) {
    const std::string where = "bus[" + std::to_string(index++) + "]";
    c.only_keys(*b, where,
                {"name", "type", "address", "port", "baud", "parity", "data_bits", "stop_bits", "timeout_ms", "retries",
                 "probe_timeout_ms", "frame_gap_us", "device"});
    BusConfig bus;
    if (auto v = c.string(*b, where, "name", true)) {
      bus.name = *v;
      if (!bus_names.insert(*v).second) c.issue(*b->get("name"), where + ".name: bus \"" + *v + "\" is named twice");
    }
    if (auto v = c.string(*b, where, "type", true)) {
      if (*v == "tcp") {
        bus.type = BusType::tcp;
        if (auto a = c.string(*b, where, "address", true)) {
          if (const auto hp = config::parse_host_port(*a); hp.value) {
            bus.host = hp.value->host;
            bus.port = hp.value->port;
          } else {
            c.issue(*b->get("address"), where + ".address: \"" + *a + "\": " + hp.problem);
          }
        }
      } else if (*v == "rtu") {
        bus.type = BusType::rtu;
        if (auto p = c.string(*b, where, "port", true)) {
          bus.device = *p;
          if (board != nullptr && board->serial.count(*p) != 0) {
            const auto& sp = board->serial.at(*p);
            bus.device = sp.device;
            bus.rs485 = sp.rs485;
            bus.rts = sp.rts;
          } else if (!p->starts_with("/")) {
            std::string known;
            if (board != nullptr) {
              for (const auto& [name, sp] : board->serial) known += (known.empty() ? "" : ", ") + name;
            }
            c.issue(*b->get("port"), where + ".port: \"" + *p + "\" is neither a device path nor " +
                                         (board != nullptr ? "a serial port of board " + board->name + " (it has: " +
                                                                 (known.empty() ? "none" : known) + ")"
                                                           : std::string("a board port (no --board given)")));
          }
        }
        if (auto baud = c.integer(*b, where, "baud", false, 1200, 921600)) bus.baud = static_cast<int>(*baud);
        if (auto p = c.string(*b, where, "parity", false)) {
          if (*p == "N" || *p == "E" || *p == "O") {
            bus.parity = (*p)[0];
          } else {
            c.issue(*b->get("parity"), where + ".parity: \"" + *p + "\" should be \"N\", \"E\" or \"O\"");
          }
        }
        if (auto db = c.integer(*b, where, "data_bits", false, 7, 8)) bus.data_bits = static_cast<int>(*db);
        if (auto sb = c.integer(*b, where, "stop_bits", false, 1, 2)) bus.stop_bits = static_cast<int>(*sb);
      } else {
        c.issue(*b->get("type"), where + ".type: \"" + *v + "\" should be \"tcp\" or \"rtu\"");
      }
    }
    if (auto v = c.integer(*b, where, "timeout_ms", false, 10, 10000)) bus.timeout_ms = static_cast<int>(*v);
    if (auto v = c.integer(*b, where, "retries", false, 0, 5)) bus.retries = static_cast<int>(*v);
    bus.probe_timeout_ms = bus.timeout_ms;
    if (auto v = c.integer(*b, where, "probe_timeout_ms", false, 10, 10000)) bus.probe_timeout_ms = static_cast<int>(*v);
    if (auto v = c.integer(*b, where, "frame_gap_us", false, 0, 1000000)) bus.frame_gap_us = static_cast<int>(*v);
    if (bus.type == BusType::rtu && bus.frame_gap_us == 0) {
      // 3.5 character times of silence between frames ("about 4 ms at 9600",
      // datasheets/README.md). The Modbus serial line spec counts 11 bits a character, and
      // fixes the silence at 1.75 ms above 19200 baud.
      constexpr int BITS_PER_CHARACTER = 11;
      bus.frame_gap_us = bus.baud > 19200 ? 1750 : (35 * BITS_PER_CHARACTER * 100000 + bus.baud - 1) / bus.baud;
    }

    std::set<int> units;
    int dindex = 0;
    for (const toml::table* d : c.tables(*b, where, "device", true)) {
      const std::string dwhere = where + ".device[" + std::to_string(dindex++) + "]";
      auto spec = read_device(c, *d, dwhere, device_names);
      // Only a unit id that was read (an integer in range) can clash: a mistyped one is
      // reported once, as what it is, not also as a duplicate of the default.
      const auto* unit = d->get("unit");
      const bool unit_read = unit != nullptr && unit->is_integer() && unit->value<std::int64_t>() == spec.unit;
      if (unit_read && !units.insert(spec.unit).second) {
        c.issue(*d->get("unit"), dwhere + ".unit: unit id " + std::to_string(spec.unit) + " is used twice on bus \"" +
                                     bus.name + "\"");
      }
      bus.devices.push_back(std::move(spec));
    }
    site.buses.push_back(std::move(bus));
  }
}

}  // namespace

SiteConfig parse_site(std::string_view text, const std::filesystem::path& file, const BoardConfig* board) {
  config::TomlChecker c(file.string());
  const toml::table root = c.parse(text);
  SiteConfig site;
  site.file = file;
  site.hash = fingerprint(text);
  if (c.ok()) {
    c.only_keys(root, "", {"gateway", "mqtt", "bus", "interlock", "warning"});
    read_gateway(c, root, site, board);
    read_mqtt(c, root, site);
    read_buses(c, root, site, board);
    read_edge_safety(c, root, site);
  }
  c.throw_if_any();
  return site;
}

const firmware::DeviceSpec* find_device(const SiteConfig& site, std::string_view name) {
  for (const auto& b : site.buses) {
    for (const auto& d : b.devices) {
      if (d.name == name) return &d;
    }
  }
  return nullptr;
}

SiteConfig load_site_file(const std::filesystem::path& file, const BoardConfig* board) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read the site file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_site(text.str(), file, board);
}

}  // namespace lookout::gateway
