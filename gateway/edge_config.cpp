#include "gateway/edge_config.hpp"

#include <algorithm>
#include <set>

#include "firmware/wire/messages.hpp"

namespace lookout::gateway {
namespace {

using firmware::edge::Condition;

std::string channel_list(const std::vector<firmware::ChannelSpec>& channels) {
  std::string out;
  for (const auto& ch : channels) out += (out.empty() ? "" : ", ") + ch.channel;
  return out;
}

/// `name`, unique among its kind.
std::string read_name(config::TomlChecker& c, const toml::table& t, const std::string& where,
                      std::set<std::string>& names) {
  auto v = c.string(t, where, "name", true);
  if (!v) return {};
  if (!wire::is_valid_name(*v)) {
    c.issue(*t.get("name"), where + ".name: \"" + *v + "\" may hold only letters, digits, '_' and '-'");
  } else if (!names.insert(*v).second) {
    c.issue(*t.get("name"), where + ".name: \"" + *v + "\" is used twice");
  }
  return *v;
}

/// point, above | below, restore: the point must be a channel of a device of this site.
std::optional<Condition> read_condition(config::TomlChecker& c, const toml::table& t, const std::string& where,
                                        const SiteConfig& site) {
  Condition cond;
  bool ok = true;
  bool has_level = false;
  if (auto p = c.string(t, where, "point", true)) {
    cond.point = *p;
    const auto dot = p->find('.');
    const auto* device = dot == std::string::npos ? nullptr : find_device(site, p->substr(0, dot));
    if (dot == std::string::npos) {
      c.issue(*t.get("point"), where + ".point: \"" + *p + "\" is not of the form device.channel");
      ok = false;
    } else if (device == nullptr) {
      c.issue(*t.get("point"), where + ".point: no device \"" + p->substr(0, dot) + "\" in this site file");
      ok = false;
    } else if (device->profile != nullptr) {
      const auto channels = firmware::device_channels(*device->profile, device->options);
      const std::string channel = p->substr(dot + 1);
      if (std::none_of(channels.begin(), channels.end(), [&](const auto& ch) { return ch.channel == channel; })) {
        c.issue(*t.get("point"), where + ".point: an " + std::string(device->profile->model) + " has no channel \"" +
                                     channel + "\" (it has: " + channel_list(channels) + ")");
        ok = false;
      }
    }
  } else {
    ok = false;
  }
  const toml::node* above = t.get("above");
  const toml::node* below = t.get("below");
  if ((above == nullptr) == (below == nullptr)) {
    c.issue(above != nullptr ? *above : below != nullptr ? *below : static_cast<const toml::node&>(t),
            where + ": give exactly one of above = LEVEL or below = LEVEL");
    ok = false;
  } else if (auto level = c.number(t, where, above != nullptr ? "above" : "below", true)) {
    cond.above = above != nullptr;
    cond.level = *level;
    has_level = true;
  } else {
    ok = false;
  }
  if (auto r = c.number(t, where, "restore", true)) {
    cond.restore = *r;
    if (has_level && (cond.above ? cond.restore > cond.level : cond.restore < cond.level)) {
      c.issue(*t.get("restore"), where + ".restore: " + std::to_string(*r) + " should be " +
                                     (cond.above ? "at most" : "at least") + " the level it restores from (" +
                                     std::to_string(cond.level) + ")");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (!ok) return std::nullopt;
  return cond;
}

void read_interlocks(config::TomlChecker& c, const toml::table& root, SiteConfig& site) {
  std::set<std::string> names;
  int index = 0;
  for (const toml::table* t : c.tables(root, "", "interlock", false)) {
    const std::string where = "interlock[" + std::to_string(index++) + "]";
    c.only_keys(*t, where, {"name", "point", "above", "below", "restore", "device", "outputs", "latch", "trip_on_bad"});
    firmware::edge::InterlockSpec spec;
    spec.name = read_name(c, *t, where, names);
    auto cond = read_condition(c, *t, where, site);
    const firmware::DeviceSpec* out = nullptr;
    if (auto d = c.string(*t, where, "device", true)) {
      spec.device = *d;
      out = find_device(site, *d);
      if (out == nullptr) {
        c.issue(*t->get("device"), where + ".device: no device \"" + *d + "\" in this site file");
      } else if (out->profile != nullptr && out->profile->outputs.empty()) {
        c.issue(*t->get("device"), where + ".device: an " + std::string(out->profile->model) +
                                       " has no outputs to drive (an output module such as the XJ-AR4 has)");
        out = nullptr;
      }
    }
    if (auto outputs = c.strings(*t, where, "outputs", true)) {
      if (outputs->empty()) c.issue(*t->get("outputs"), where + ".outputs: name at least one coil");
      for (const auto& [name, node] : *outputs) {
        if (out != nullptr && out->profile != nullptr && firmware::find_output(*out->profile, name) == nullptr) {
          std::string known;
          for (const auto& o : out->profile->outputs) known += (known.empty() ? "" : ", ") + std::string(o.name);
          c.issue(*node, where + ".outputs: an " + std::string(out->profile->model) + " has no output \"" + name +
                             "\" (it has: " + known + ")");
        }
        spec.outputs.push_back(name);
      }
    }
    const bool cuts_power = std::find(spec.outputs.begin(), spec.outputs.end(), "power_cut") != spec.outputs.end();
    spec.latch = cuts_power;
    if (auto latch = c.boolean(*t, where, "latch", false)) {
      if (cuts_power && !*latch) {
        c.issue(*t->get("latch"), where + ".latch: a power cut latches until the value is restored and a person "
                                          "resets it (docs/rules.md, coal-mine methane); remove latch = false");
      }
      spec.latch = *latch || cuts_power;
    }
    if (auto bad = c.boolean(*t, where, "trip_on_bad", false)) spec.trip_on_bad = *bad;
    if (cond) spec.when = *cond;
    site.interlocks.push_back(std::move(spec));
  }
}

void read_warnings(config::TomlChecker& c, const toml::table& root, SiteConfig& site) {
  std::set<std::string> names;
  int index = 0;
  for (const toml::table* t : c.tables(root, "", "warning", false)) {
    const std::string where = "warning[" + std::to_string(index++) + "]";
    c.only_keys(*t, where, {"name", "point", "above", "below", "restore", "devices"});
    firmware::edge::WarningSpec spec;
    spec.name = read_name(c, *t, where, names);
    auto cond = read_condition(c, *t, where, site);
    if (cond) spec.when = *cond;
    const auto check_device = [&](const std::string& name, const toml::node& at) {
      const auto* d = find_device(site, name);
      if (d == nullptr) {
        c.issue(at, where + ".devices: no device \"" + name + "\" in this site file");
      } else if (d->fast_poll_ms == 0 && (d->profile == nullptr || !d->profile->fast_mode)) {
        c.issue(at, where + ".devices: device \"" + name +
                        "\" has no fast_poll_ms and no fast mode: the warning would change nothing for it");
      }
    };
    if (auto devices = c.strings(*t, where, "devices", false)) {
      for (const auto& [name, node] : *devices) {
        check_device(name, *node);
        spec.devices.push_back(name);
      }
    } else if (cond && t->get("devices") == nullptr) {
      spec.devices.push_back(cond->point.substr(0, cond->point.find('.')));
      if (find_device(site, spec.devices.back()) != nullptr) check_device(spec.devices.back(), *t->get("point"));
    }
    site.warnings.push_back(std::move(spec));
  }
}

}  // namespace

void read_edge_safety(config::TomlChecker& c, const toml::table& root, SiteConfig& site) {
  read_interlocks(c, root, site);
  read_warnings(c, root, site);
}

}  // namespace lookout::gateway
