#pragma once
// One log line per event: "2026-11-25T22:40:01.123Z WARN  component: message".
// The sink is replaceable (a board may log to flash); the default writes to stderr.

#include <functional>
#include <string_view>

namespace lookout::log {

enum class Severity { debug, info, warn, error };

using Sink = std::function<void(Severity, std::string_view component, std::string_view message)>;

/// Replaces where lines go; thread-safe with respect to write().
void set_sink(Sink sink);
void set_min_severity(Severity s);

void write(Severity s, std::string_view component, std::string_view message);
inline void info(std::string_view component, std::string_view message) { write(Severity::info, component, message); }
inline void warn(std::string_view component, std::string_view message) { write(Severity::warn, component, message); }
inline void error(std::string_view component, std::string_view message) { write(Severity::error, component, message); }
inline void debug(std::string_view component, std::string_view message) { write(Severity::debug, component, message); }

}  // namespace lookout::log
