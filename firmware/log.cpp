#include "firmware/log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace lookout::log {
namespace {

/// The length of the well-formed UTF-8 character that starts at s[i] (2 to 4), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80;  // the second byte's range; narrower after E0, ED, F0, F4
  unsigned char hi = 0xBF;  // (no overlong forms, no surrogates, nothing past U+10FFFF)
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

struct Escaped {
  std::string text;
  bool cut = false;
};

/// escape() and quoted()'s inside: `quote` also escapes `"` and `\`.
Escaped escape_text(std::string_view s, std::size_t max_bytes, bool quote) {
  static constexpr char HEX[] = "0123456789abcdef";
  Escaped out;
  out.text.reserve(std::min(s.size(), max_bytes));
  std::size_t i = 0;
  while (i < s.size()) {
    char buf[8];
    std::size_t n = 0;     // bytes of the escaped piece in buf
    std::size_t used = 1;  // bytes of s it stands for
    const auto c = static_cast<unsigned char>(s[i]);
    const auto hex = [&](const char* prefix, unsigned char b) {
      for (const char* p = prefix; *p != '\0'; ++p) buf[n++] = *p;
      buf[n++] = HEX[b >> 4];
      buf[n++] = HEX[b & 0xF];
    };
    if (c == '\n' || c == '\r' || c == '\t' || c == 0) {
      buf[n++] = '\\';
      buf[n++] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : '0';
    } else if (c < 0x20 || c == 0x7F) {
      hex("\\x", c);
    } else if (c < 0x80) {
      if (quote && (c == '"' || c == '\\')) buf[n++] = '\\';
      buf[n++] = static_cast<char>(c);
    } else if (const std::size_t len = utf8_length(s, i); len == 0) {
      hex("\\x", c);
    } else if (len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      hex("\\u00", static_cast<unsigned char>(s[i + 1]));  // C1 control: CSI, NEL...
      used = 2;
    } else {
      for (std::size_t k = 0; k < len; ++k) buf[n++] = s[i + k];
      used = len;
    }
    if (out.text.size() + n > max_bytes) {
      out.cut = true;
      break;
    }
    out.text.append(buf, n);
    i += used;
  }
  return out;
}

std::mutex& lock() {
  static std::mutex m;
  return m;
}

Sink& sink() {
  static Sink s;
  return s;
}

Severity& min_severity() {
  static Severity s = Severity::info;
  return s;
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::debug: return "DEBUG";
    case Severity::info: return "INFO ";
    case Severity::warn: return "WARN ";
    case Severity::error: return "ERROR";
  }
  return "?";
}

void to_stderr(Severity s, std::string_view component, std::string_view message) {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string line = std::string(stamp) + "." + std::to_string(1000 + ms % 1000).substr(1) + "Z " +
                     std::string(severity_name(s)) + " " + std::string(component) + ": " + std::string(message) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

std::string escape(std::string_view text, std::size_t max_bytes) {
  Escaped e = escape_text(text, max_bytes, false);
  if (e.cut) e.text += "...(cut, " + std::to_string(text.size()) + " bytes)";
  return std::move(e.text);
}

std::string quoted(std::string_view outside, std::size_t max_bytes) {
  const Escaped e = escape_text(outside, max_bytes, true);
  std::string out = "\"" + e.text + "\"";
  if (e.cut) out += "...(" + std::to_string(outside.size()) + " bytes)";
  return out;
}

void set_sink(Sink s) {
  std::lock_guard<std::mutex> g(lock());
  sink() = std::move(s);
}

void set_min_severity(Severity s) {
  std::lock_guard<std::mutex> g(lock());
  min_severity() = s;
}

void write(Severity s, std::string_view component, std::string_view message) {
  std::lock_guard<std::mutex> g(lock());
  if (s < min_severity()) return;
  const std::string c = escape(component, MAX_COMPONENT_BYTES);
  const std::string m = escape(message, MAX_MESSAGE_BYTES);
  if (sink()) {
    sink()(s, c, m);
  } else {
    to_stderr(s, c, m);
  }
}

}  // namespace lookout::log
