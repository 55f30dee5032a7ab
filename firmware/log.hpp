#pragma once
// One log line per event: "2026-11-25T22:40:01.123Z WARN  component: message".
// The sink is replaceable (a board may log to flash); the default writes to stderr.
//
// A line is always one line, whatever a message's sender put in it: write() escapes every
// control character of the component and the message (escape() below: "\n" is logged as
// the two characters \ n) and cuts the message at MAX_MESSAGE_BYTES. Text from outside
// (a field of a received message, a topic, a key) goes in through quoted(), which also
// cuts it to a field's length, so one huge field cannot crowd out the rest of the line.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace lookout::log {

enum class Severity { debug, info, warn, error };

using Sink = std::function<void(Severity, std::string_view component, std::string_view message)>;

/// [bytes] the longest message of a line, escaped; longer ones are cut with "...(cut, N bytes)".
inline constexpr std::size_t MAX_MESSAGE_BYTES = 2048;
/// [bytes] the longest component name of a line, escaped.
inline constexpr std::size_t MAX_COMPONENT_BYTES = 64;
/// [bytes] what quoted() keeps of one outside field by default, escaped.
inline constexpr std::size_t MAX_FIELD_BYTES = 64;

/// Replaces where lines go; thread-safe with respect to write(). A sink gets the component
/// and message already escaped and cut.
void set_sink(Sink sink);
void set_min_severity(Severity s);

void write(Severity s, std::string_view component, std::string_view message);
inline void info(std::string_view component, std::string_view message) { write(Severity::info, component, message); }
inline void warn(std::string_view component, std::string_view message) { write(Severity::warn, component, message); }
inline void error(std::string_view component, std::string_view message) { write(Severity::error, component, message); }
inline void debug(std::string_view component, std::string_view message) { write(Severity::debug, component, message); }

/// `text` made safe for one line: \n \r \t and NUL as \n \r \t \0, every other C0 control,
/// DEL and a byte that is not UTF-8 as \xHH, a C1 control (U+0080..U+009F) as \u00HH; the
/// rest (printable ASCII, well-formed UTF-8) as is. At most `max_bytes` bytes of it are
/// kept (never half an escape or half a character), followed by "...(cut, N bytes)" with N
/// the length of `text`, when it was cut.
std::string escape(std::string_view text, std::size_t max_bytes);

/// A field from outside for a log line or an error: in double quotes, `"` and `\` escaped
/// as \" and \\ besides what escape() does, so the field cannot seem to end early. At most
/// `max_bytes` bytes between the quotes; a longer field is cut and followed by
/// "...(N bytes)", N its length, e.g. "aaaa"...(1048576 bytes).
std::string quoted(std::string_view outside, std::size_t max_bytes = MAX_FIELD_BYTES);

}  // namespace lookout::log
