#include "gateway/edge_config.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "firmware/methane_standard.hpp"
#include "firmware/wire/messages.hpp"

namespace lookout::gateway {
namespace {

using firmware::edge::Condition;

std::string channel_list(const std::vector<firmware::ChannelSpec>& channels) {
  std::string out;
  for (const auto& ch : channels) out += (out.empty() ? "" : ", ") + ch.channel;
  return out;
}

/// A figure as people write it: 1.5, not 1.500000.
std::string figure(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

/// What a condition takes for a figure the file leaves out: the standard's line for a
/// methane location, and its restore value (or the line, when that is lower).
struct StandardLine {
  double level;
  double restore;
};

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
                                        const SiteConfig& site, std::optional<StandardLine> standard = {}) {
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
  if (standard && below != nullptr) {
    c.issue(*below, where + ".below: a methane line is crossed upwards: with a location give above, or leave it "
                            "out for the standard's");
    ok = false;
  } else if (standard && above == nullptr) {
    cond.above = true;
    cond.level = standard->level;
    has_level = true;
  } else if ((above == nullptr) == (below == nullptr)) {
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
  if (standard && t.get("restore") == nullptr) {
    cond.restore = has_level ? std::min(standard->restore, cond.level) : standard->restore;
  } else if (auto r = c.number(t, where, "restore", true)) {
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

/// True when the table's outputs name the power cut (read again, checked, below).
bool names_power_cut(const toml::table& t) {
  const auto* outputs = t.get_as<toml::array>("outputs");
  if (outputs == nullptr) return false;
  return std::any_of(outputs->begin(), outputs->end(), [](const toml::node& n) { return n.value<std::string>() == "power_cut"; });
}

/// The quantity a point of this site measures, or "" when the site file does not say.
std::string quantity_of(const SiteConfig& site, const std::string& point) {
  const auto dot = point.find('.');
  const auto* device = dot == std::string::npos ? nullptr : find_device(site, point.substr(0, dot));
  if (device == nullptr || device->profile == nullptr) return "";
  for (const auto& ch : firmware::device_channels(*device->profile, device->options)) {
    if (ch.channel == point.substr(dot + 1)) return ch.quantity;
  }
  return "";
}

void add_note(SiteConfig& site, const toml::node& at, std::string message) {
  const auto& begin = at.source().begin;
  site.notes.push_back(
      {site.file.string(), static_cast<int>(begin.line), static_cast<int>(begin.column), std::move(message)});
}

/// A methane interlock's figures against the standard's for its location (docs/config.md
/// "Methane interlocks"): looser is an error, stricter a note.
void check_methane(config::TomlChecker& c, const toml::table& t, const std::string& where, const Condition& cond,
                   const firmware::MethaneFigures& f, bool cuts_power, SiteConfig& site) {
  const double line = cuts_power ? f.power_cut : f.alarm;
  const std::string line_name = cuts_power ? "power cut" : "alarm";
  const std::string source = " for " + std::string(f.name) + " (docs/rules.md, coal-mine methane)";
  if (const toml::node* above = t.get("above"); above != nullptr) {
    if (cond.level > line) {
      c.issue(*above, where + ".above: " + figure(cond.level) + " %CH4 is past the standard's " + line_name + " at " +
                          figure(line) + " %CH4" + source + ": at most " + figure(line) +
                          ", or leave above out to take it");
    } else if (cond.level < line) {
      add_note(site, *above, where + ".above: " + figure(cond.level) + " %CH4 is below the standard's " + line_name +
                                 " at " + figure(line) + " %CH4" + source + ": stricter, allowed");
    }
  }
  if (const toml::node* restore = t.get("restore"); restore != nullptr) {
    if (cond.restore > f.restore) {
      c.issue(*restore, where + ".restore: " + figure(cond.restore) + " %CH4 is past the standard's restore below " +
                            figure(f.restore) + " %CH4" + source + ": at most " + figure(f.restore) +
                            ", or leave restore out to take it");
    } else if (cond.restore < f.restore) {
      add_note(site, *restore, where + ".restore: " + figure(cond.restore) + " %CH4 is below the standard's restore at " +
                                   figure(f.restore) + " %CH4" + source + ": stricter, allowed");
    }
  }
}

void read_interlocks(config::TomlChecker& c, const toml::table& root, SiteConfig& site) {
  std::set<std::string> names;
  int index = 0;
  for (const toml::table* t : c.tables(root, "", "interlock", false)) {
    const std::string where = "interlock[" + std::to_string(index++) + "]";
    c.only_keys(*t, where,
                {"name", "point", "location", "above", "below", "restore", "device", "outputs", "latch", "trip_on_bad"});
    firmware::edge::InterlockSpec spec;
    spec.name = read_name(c, *t, where, names);
    // A methane location: the standard's figures for what the file leaves out.
    std::optional<StandardLine> standard;
    if (auto v = c.string(*t, where, "location", false)) {
      spec.location = firmware::methane_location_from_string(*v);
      if (!spec.location) {
        c.issue(*t->get("location"), where + ".location: \"" + *v + "\" is not one of " +
                                         std::string(firmware::METHANE_LOCATION_NAMES));
      } else {
        const auto& f = firmware::methane_figures(*spec.location);
        standard = StandardLine{names_power_cut(*t) ? f.power_cut : f.alarm, f.restore};
      }
    }
    auto cond = read_condition(c, *t, where, site, standard);
    if (cond) {
      const std::string quantity = quantity_of(site, cond->point);
      if (spec.location && !quantity.empty() && quantity != "methane") {
        c.issue(*t->get("location"), where + ".location: a methane location, but " + cond->point + " measures " +
                                         quantity);
      } else if (spec.location) {
        check_methane(c, *t, where, *cond, firmware::methane_figures(*spec.location), names_power_cut(*t), site);
      } else if (quantity == "methane" && t->get("location") == nullptr) {
        add_note(site, *t, where + ": a methane interlock without location: its figures are not checked against "
                               "the standard; name its location (one of " +
                               std::string(firmware::METHANE_LOCATION_NAMES) + ")");
      }
    }
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
