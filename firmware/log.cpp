#include "firmware/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace lookout::log {
namespace {

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
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace

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
  if (sink()) {
    sink()(s, component, message);
  } else {
    to_stderr(s, component, message);
  }
}

}  // namespace lookout::log
