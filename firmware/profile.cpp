#include "firmware/profile.hpp"

#include <stdexcept>
#include <utility>

namespace lookout::firmware {

void FieldValues::set(std::string_view name, double value) {
  for (auto& [k, v] : values_) {
    if (k == name) {
      v = value;
      return;
    }
  }
  values_.emplace_back(std::string(name), value);
}

double FieldValues::get(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return v;
  }
  throw std::out_of_range("no field " + std::string(name) + " in this poll");
}

bool FieldValues::has(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return true;
  }
  return false;
}

void DeviceOptions::set(std::string_view key, double value) {
  for (auto& [k, v] : values_) {
    if (k == key) {
      v = value;
      return;
    }
  }
  values_.emplace_back(std::string(key), value);
}

void DeviceOptions::set(std::string_view key, std::string value) {
  for (auto& [k, v] : values_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  values_.emplace_back(std::string(key), std::move(value));
}

std::optional<double> DeviceOptions::number(std::string_view key) const {
  for (const auto& [k, v] : values_) {
    if (k == key && std::holds_alternative<double>(v)) return std::get<double>(v);
  }
  return std::nullopt;
}

std::optional<std::string> DeviceOptions::text(std::string_view key) const {
  for (const auto& [k, v] : values_) {
    if (k == key && std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  }
  return std::nullopt;
}

bool DeviceOptions::has(std::string_view key) const {
  for (const auto& [k, v] : values_) {
    if (k == key) return true;
  }
  return false;
}

std::optional<double> DeviceState::get(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return v;
  }
  return std::nullopt;
}

void DeviceState::set(std::string_view name, double value) {
  for (auto& [k, v] : values_) {
    if (k == name) {
      v = value;
      return;
    }
  }
  values_.emplace_back(std::string(name), value);
}

std::vector<ChannelSpec> device_channels(const Profile& profile, const DeviceOptions& options) {
  return profile.channels_for ? profile.channels_for(options) : profile.channels;
}

std::vector<OptionIssue> check_options(const Profile& profile, const DeviceOptions& options) {
  std::vector<OptionIssue> issues;
  const auto spec_of = [&](std::string_view key) -> const OptionSpec* {
    for (const auto& o : profile.options) {
      if (o.key == key) return &o;
    }
    return nullptr;
  };
  const std::string model(profile.model);
  for (const auto& [key, value] : options.all()) {
    const OptionSpec* o = spec_of(key);
    if (o == nullptr) {
      std::string known;
      for (const auto& x : profile.options) known += (known.empty() ? "" : ", ") + std::string(x.key);
      issues.push_back({key, key + ": " + model + " takes no option \"" + key + "\"" +
                                 (known.empty() ? std::string("; it takes none") : "; it takes " + known)});
      continue;
    }
    const bool is_number = std::holds_alternative<double>(value);
    if (o->type == OptionType::number && !is_number) {
      const std::string unit = o->unit.empty() ? "" : " [" + std::string(o->unit) + "]";
      issues.push_back({key, key + ": expected a number" + unit + ": " + std::string(o->meaning)});
    } else if (o->type == OptionType::text && is_number) {
      issues.push_back({key, key + ": expected a word: " + std::string(o->meaning)});
    } else if (o->type == OptionType::text && !o->choices.empty()) {
      const auto& word = std::get<std::string>(value);
      bool allowed = false;
      std::string choices;
      for (const auto c : o->choices) {
        allowed = allowed || c == word;
        choices += (choices.empty() ? "\"" : ", \"") + std::string(c) + "\"";
      }
      if (!allowed) issues.push_back({key, key + ": \"" + word + "\" is not one of " + choices});
    }
  }
  for (const auto& o : profile.options) {
    if (options.has(o.key)) continue;
    const std::string key(o.key);
    if (o.required) {
      issues.push_back({key, key + ": " + model + " needs it: " + std::string(o.meaning)});
    } else if (!o.required_with.empty() && options.has(o.required_with)) {
      issues.push_back({key, key + ": needed with " + std::string(o.required_with) + ": " + std::string(o.meaning)});
    }
  }
  if (profile.check) {
    for (auto& i : profile.check(options)) issues.push_back(std::move(i));
  }
  return issues;
}

const OutputCoil* find_output(const Profile& profile, std::string_view name) {
  for (const auto& o : profile.outputs) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

}  // namespace lookout::firmware
