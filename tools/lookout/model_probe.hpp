#pragma once
// How `lookout scan` tells which XJ model answers at a unit id. Per model, from its register
// table (docs/devices.md): the reads that must answer, with values the table allows, and
// the register just past its table, which a device refuses (exception 02). No I/O of its
// own: reads go through a firmware::ModbusBus, so tests can hand it simulated devices.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/modbus_bus.hpp"

namespace lookout::cli {

struct ProbeRead {
  firmware::RegisterKind kind;
  std::uint16_t start;
  std::uint16_t count;
};

/// One model's signature.
struct ModelProbe {
  std::string_view model;
  /// Reads the device must answer.
  std::vector<ProbeRead> answers;
  /// The words of `answers`, in order: are they values the register table allows?
  std::function<bool(const std::vector<std::vector<std::uint16_t>>& words)> plausible;
  /// Reads just outside the register tables: the device must refuse them with an exception.
  std::vector<ProbeRead> refused;
};

/// Every model's probe, one per model the gateway supports.
const std::vector<ModelProbe>& model_probes();

enum class Presence {
  absent,   ///< no answer within the timeout
  present,  ///< answered (values or exceptions)
  garbled,  ///< answered only with corrupt frames (bad CRC, junk)
  failed,   ///< the port or connection itself failed
};

struct UnitReport {
  int unit = 0;
  Presence presence = Presence::absent;
  /// Models whose probe fits; empty: "unknown". More than one would mean the probes
  /// cannot tell those models apart (a test checks they always can).
  std::vector<std::string_view> models;
  /// Why: the reads that fit, or what the unit answered.
  std::string detail;
};

/// Probes one unit: first one read to see whether anything answers there (an absent unit
/// costs one timeout per retry), then every model's reads, each asked once.
UnitReport probe_unit(firmware::ModbusBus& bus, int unit);

/// "IR 0+3", "HR 100+3", "CO 0+4".
std::string to_string(const ProbeRead& r);

}  // namespace lookout::cli
