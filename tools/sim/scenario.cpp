#include "tools/sim/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "firmware/config/toml_checker.hpp"
#include "tools/sim/device_factory.hpp"

namespace lookout::sim {

namespace {

using config::TomlChecker;

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

/// A step's value as the control protocol would carry it; nullopt (recorded) otherwise.
std::optional<std::string> value_text(TomlChecker& c, const toml::node& n, const std::string& where) {
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) {
    if (!std::isfinite(f->get())) {
      c.issue(n, where + ": want a finite number");
      return std::nullopt;
    }
    return format_number(f->get());
  }
  if (const auto* b = n.as_boolean()) return std::string(b->get() ? "1" : "0");
  c.issue(n, where + ": want a number, a word or true/false");
  return std::nullopt;
}

/// Asks a fresh device of the model whether it takes `value` for `field`, as the control
/// port would; records the refusal at `at`.
void check_set(TomlChecker& c, const toml::node& at, const std::string& where, const DeviceSpec& device,
               const std::string& field, const std::string& value) {
  const auto scratch = make_device(device.model, device.name, device.unit, Seconds{0.0});
  if (!scratch) return;  // the [[device]] table already has an issue
  if (const auto error = scratch->set_field(field, value, Seconds{0.0})) {
    c.issue(at, where + ": " + device.name + " (" + device.model + ") refuses " + field + " = " + value + ": " + *error);
  }
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
           ch == '_' || ch == '.';
  });
}

std::vector<DeviceSpec> read_devices(TomlChecker& c, const toml::table& root) {
  std::vector<DeviceSpec> devices;
  int index = 0;
  for (const toml::table* d : c.tables(root, "", "device", true)) {
    const std::string where = "device[" + std::to_string(index++) + "]";
    c.only_keys(*d, where, {"name", "model", "unit"});
    DeviceSpec spec;
    const auto name = c.string(*d, where, "name", true);
    const auto model = c.string(*d, where, "model", true);
    // Modbus over serial line V1.02, 2.2: unit ids 1..247
    const auto unit = c.integer(*d, where, "unit", true, 1, 247);
    if (!name || !model || !unit) continue;
    if (!valid_name(*name)) {
      c.issue(*d->get("name"), where + ".name: \"" + *name + "\": letters, digits, '-', '_' or '.'");
      continue;
    }
    const auto models = known_models();
    if (std::find(models.begin(), models.end(), *model) == models.end()) {
      std::string list;
      for (const auto m : models) list += (list.empty() ? "" : ", ") + std::string(m);
      c.issue(*d->get("model"), where + ".model: unknown model \"" + *model + "\"; known: " + list);
      continue;
    }
    bool clash = false;
    for (const auto& other : devices) {
      if (other.name == *name) {
        c.issue(*d->get("name"), where + ".name: \"" + *name + "\" is already a device");
        clash = true;
      } else if (other.unit == *unit) {
        c.issue(*d->get("unit"), where + ".unit: " + std::to_string(*unit) + " is already " + other.name + "'s");
        clash = true;
      }
    }
    if (!clash) devices.push_back({*name, *model, static_cast<int>(*unit)});
  }
  return devices;
}

/// The numeric value of a ramp end, and whether it was written as an integer.
struct RampEnd {
  double value = 0.0;
  bool integer = false;
};

std::optional<RampEnd> ramp_end(TomlChecker& c, const toml::table& s, const std::string& where, std::string_view key) {
  const auto v = c.number(s, where, key, true);
  if (!v) return std::nullopt;
  if (!std::isfinite(*v)) {
    c.issue(*s.get(key), where + "." + std::string(key) + ": want a finite number");
    return std::nullopt;
  }
  return RampEnd{*v, s.get(key)->is_integer()};
}

void read_steps(TomlChecker& c, const toml::table& root, const std::vector<DeviceSpec>& devices,
                std::vector<ScenarioEvent>& events) {
  int index = 0;
  for (const toml::table* s : c.tables(root, "", "step", true)) {
    const std::string where = "step[" + std::to_string(index++) + "]";
    const int line = static_cast<int>(s->source().begin.line);
    c.only_keys(*s, where,
                {"at_s", "device", "field", "value", "from", "to", "over_s", "step_s", "repeat_every_s", "repeat_times"});
    const auto at = c.number(*s, where, "at_s", true);
    const auto device_name = c.string(*s, where, "device", true);
    const auto field = c.string(*s, where, "field", true);
    const auto repeat_every = c.number(*s, where, "repeat_every_s", false);
    const auto repeat_times = c.integer(*s, where, "repeat_times", false, 1, 100000);
    if (at && *at < 0.0) c.issue(*s->get("at_s"), where + ".at_s: want seconds >= 0");
    if (repeat_every && *repeat_every <= 0.0) {
      c.issue(*s->get("repeat_every_s"), where + ".repeat_every_s: want seconds > 0");
    }
    if (repeat_times && *repeat_times > 1 && !repeat_every) {
      c.issue(*s->get("repeat_times"), where + ".repeat_times: needs repeat_every_s");
    }
    const DeviceSpec* device = nullptr;
    if (device_name) {
      for (const auto& d : devices) {
        if (d.name == *device_name) device = &d;
      }
      if (device == nullptr) {
        std::string list;
        for (const auto& d : devices) list += (list.empty() ? "" : ", ") + d.name;
        c.issue(*s->get("device"), where + ".device: \"" + *device_name + "\" is not a [[device]] of this scenario (" +
                                       list + ")");
      }
    }

    const toml::node* value = s->get("value");
    const bool is_ramp = s->contains("from") || s->contains("to") || s->contains("over_s") || s->contains("step_s");
    if (value != nullptr && is_ramp) {
      c.issue(*s, where + ": either value (a set) or from/to/over_s (a ramp), not both");
      continue;
    }
    if (value == nullptr && !is_ramp) {
      c.issue(*s, where + ": missing value (a set) or from, to and over_s (a ramp)");
      continue;
    }

    // One occurrence's events, relative to its start.
    std::vector<ScenarioEvent> one;
    if (value != nullptr) {
      const auto text = value_text(c, *value, where + ".value");
      if (!text || !device || !field) continue;
      check_set(c, *value, where + ".value", *device, *field, *text);
      one.push_back({Seconds{0.0}, device->name, *field, *text, "set " + device->name + " " + *field + " " + *text, line});
    } else {
      const auto from = ramp_end(c, *s, where, "from");
      const auto to = ramp_end(c, *s, where, "to");
      const auto over = c.number(*s, where, "over_s", true);
      const auto step = c.number(*s, where, "step_s", false).value_or(1.0);
      if (over && *over <= 0.0) c.issue(*s->get("over_s"), where + ".over_s: want seconds > 0");
      if (s->contains("step_s") && step <= 0.0) c.issue(*s->get("step_s"), where + ".step_s: want seconds > 0");
      if (!from || !to || !over || *over <= 0.0 || step <= 0.0 || !device || !field) continue;
      const bool integer = from->integer && to->integer;
      const auto text = [&](double v) {
        return integer ? std::to_string(std::llround(v)) : format_number(v);
      };
      check_set(c, *s->get("from"), where + ".from", *device, *field, text(from->value));
      check_set(c, *s->get("to"), where + ".to", *device, *field, text(to->value));
      const auto points = static_cast<std::size_t>(std::ceil(*over / step));
      if (points > SCENARIO_MAX_EVENTS) {
        c.issue(*s, where + ": " + std::to_string(points) + " ramp points is too many; make step_s larger");
        continue;
      }
      for (std::size_t j = 0; j <= points; ++j) {
        const double t = std::min(static_cast<double>(j) * step, *over);
        const double v = from->value + (to->value - from->value) * t / *over;
        std::string note;
        if (j == 0) {
          note = "ramp " + device->name + " " + *field + " " + text(from->value) + " -> " + text(to->value) + " over " +
                 format_number(*over) + " s";
        } else if (j == points) {
          note = "ramp " + device->name + " " + *field + " reached " + text(to->value);
        }
        one.push_back({Seconds{t}, device->name, *field, text(j == points ? to->value : v), note, line});
      }
    }
    if (!at || *at < 0.0) continue;
    const auto times = static_cast<std::size_t>(repeat_times.value_or(1));
    const double every = repeat_every.value_or(0.0);
    if (times * one.size() + events.size() > SCENARIO_MAX_EVENTS) {
      c.issue(*s, where + ": the scenario expands to more than " + std::to_string(SCENARIO_MAX_EVENTS) + " events");
      continue;
    }
    for (std::size_t k = 0; k < times; ++k) {
      for (const auto& e : one) {
        auto copy = e;
        copy.at = Seconds{*at + static_cast<double>(k) * every} + e.at;
        events.push_back(std::move(copy));
      }
    }
  }
}

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& file) {
  TomlChecker c(file);
  const toml::table root = c.parse(text);
  c.throw_if_any();  // a syntax error leaves nothing worth checking
  Scenario sc;
  sc.file = file;
  c.only_keys(root, "", {"scenario", "device", "step"});
  if (const toml::table* head = c.table(root, "", "scenario", true)) {
    c.only_keys(*head, "scenario", {"name", "description", "loop_s"});
    sc.name = c.string(*head, "scenario", "name", true).value_or("");
    sc.description = c.string(*head, "scenario", "description", false).value_or("");
    if (const auto loop = c.number(*head, "scenario", "loop_s", false)) {
      if (*loop < 0.0) c.issue(*head->get("loop_s"), "scenario.loop_s: want seconds >= 0 (0 = play once)");
      sc.loop = Seconds{*loop};
    }
  }
  sc.devices = read_devices(c, root);
  read_steps(c, root, sc.devices, sc.events);
  std::stable_sort(sc.events.begin(), sc.events.end(),
                   [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at < b.at; });
  if (sc.loop > Seconds{0.0} && sc.length() >= sc.loop) {
    const toml::table* head = root.get_as<toml::table>("scenario");
    c.issue(*head->get("loop_s"), "scenario.loop_s: " + format_number(sc.loop.count()) +
                                      " s is not after the last step (at " + format_number(sc.length().count()) +
                                      " s, step at line " + std::to_string(sc.events.back().line) + ")");
  }
  c.throw_if_any();
  return sc;
}

Scenario load_scenario(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), file.string());
}

}  // namespace lookout::sim
