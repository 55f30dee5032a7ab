#include "firmware/edge/interlock.hpp"

#include <sstream>

namespace lookout::firmware::edge {
namespace {

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string value_text(const wire::Reading& r) {
  if (!r.value) return "no value (" + std::string(wire::to_string(r.status)) + ")";
  return number(*r.value) + (r.unit.empty() ? "" : " " + r.unit);
}

}  // namespace

EdgeEvent Interlock::event(std::string action, const wire::Reading* reading, std::int64_t ts_ms,
                           std::string detail) const {
  EdgeEvent e;
  e.kind = "interlock";
  e.name = spec_.name;
  e.action = std::move(action);
  e.point = spec_.when.point;
  if (reading != nullptr) {
    e.value = reading->value;
    e.unit = reading->unit;
  }
  e.ts_ms = ts_ms;
  e.device = spec_.device;
  e.outputs = spec_.outputs;
  e.detail = std::move(detail);
  return e;
}

std::optional<EdgeEvent> Interlock::on_reading(const wire::Reading& r) {
  const Side side = judge(spec_.when, r);
  const bool bad = r.quality == wire::Quality::bad;
  if (!tripped_) {
    if (side == Side::over) {
      tripped_ = true;
      restored_ = false;
      return event("tripped", &r, r.ts_ms, value_text(r) + " reached " + describe(spec_.when));
    }
    if (bad && spec_.trip_on_bad) {
      tripped_ = true;
      restored_ = false;
      return event("tripped", &r, r.ts_ms, "no valid reading: " + value_text(r) + "; trips on a bad reading");
    }
    return std::nullopt;
  }
  // Tripped. A reset needs the latest reading to show the value past the restore value: a
  // value rising again, or a bad reading, takes that back.
  const bool was_restored = restored_;
  restored_ = side == Side::restored;
  if (side == Side::restored) {
    if (!spec_.latch) {
      tripped_ = false;
      restored_ = false;
      return event("released", &r, r.ts_ms, value_text(r) + " is past the restore value");
    }
    if (!was_restored) {
      return event("awaiting_reset", &r, r.ts_ms, value_text(r) + " is past the restore value; latched until reset");
    }
  }
  return std::nullopt;
}

std::optional<EdgeEvent> Interlock::reset(std::string_view by, std::int64_t ts_ms) {
  // Only a latching interlock waits for a person; the others follow the value.
  if (!tripped_ || !spec_.latch) return std::nullopt;
  EdgeEvent e;
  if (restored_) {
    tripped_ = false;
    restored_ = false;
    e = event("reset", nullptr, ts_ms, "reset by " + std::string(by) + "; outputs released");
  } else {
    e = event("reset_refused", nullptr, ts_ms,
              "reset by " + std::string(by) + " refused: the last reading of " + spec_.when.point +
                  " is not past the restore value " + number(spec_.when.restore));
  }
  e.by = std::string(by);
  return e;
}

}  // namespace lookout::firmware::edge
