// Tests for tools/lookout/model_probe.cpp: each simulated model (tools/sim, which answers as
// its register table says) is told apart from all the others; a silent unit is absent; a
// unit that answers everything with zeros fits no model.
#include <doctest/doctest.h>

#include <map>
#include <memory>

#include "firmware/profile.hpp"
#include "tools/lookout/model_probe.hpp"
#include "tools/sim/device_factory.hpp"
#include "tools/sim/modbus_pdu.hpp"

using namespace lookout;
using firmware::BusError;
using firmware::BusResult;
using firmware::RegisterKind;

namespace {

/// A bus whose units are lookout-sim devices, answered through the simulator's own PDU
/// handling (the same as on TCP and RTU); a unit with no device times out.
class SimBus final : public firmware::ModbusBus {
 public:
  void add(std::unique_ptr<sim::Device> d) {
    const int unit = d->unit();
    devices_[unit] = std::move(d);
  }
  BusResult read_registers(int unit, RegisterKind kind, std::uint16_t start, std::uint16_t count,
                           std::vector<std::uint16_t>& out) override {
    ++requests;
    const auto it = devices_.find(unit);
    if (it == devices_.end()) return {BusError::timeout, "timeout"};
    const std::uint8_t fc = kind == RegisterKind::holding ? sim::FC_READ_HOLDING
                            : kind == RegisterKind::input ? sim::FC_READ_INPUT
                                                          : sim::FC_READ_COILS;
    const std::vector<std::uint8_t> pdu{fc, static_cast<std::uint8_t>(start >> 8), static_cast<std::uint8_t>(start),
                                        static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count)};
    const auto reply = sim::answer_request(*it->second, pdu, sim::Seconds{120.0});
    if (!reply) return {BusError::timeout, "timeout"};
    if ((*reply)[0] & 0x80) return {BusError::exception, "exception " + std::to_string((*reply)[1])};
    out.assign(count, 0);
    for (std::uint16_t i = 0; i < count; ++i) {
      out[i] = kind == RegisterKind::coil ? ((*reply)[2 + i / 8] >> (i % 8)) & 1
                                          : static_cast<std::uint16_t>((*reply)[2 + 2 * i] << 8 | (*reply)[3 + 2 * i]);
    }
    return {};
  }
  int requests = 0;

 private:
  std::map<int, std::unique_ptr<sim::Device>> devices_;
};

/// Every register of every table reads 0.
class ZeroBus final : public firmware::ModbusBus {
 public:
  BusResult read_registers(int, RegisterKind, std::uint16_t, std::uint16_t count,
                           std::vector<std::uint16_t>& out) override {
    out.assign(count, 0);
    return {};
  }
};

}  // namespace

TEST_SUITE("lookout.scan") {
  TEST_CASE("every simulated model is identified as itself and as no other") {
    for (const auto model : sim::known_models()) {
      CAPTURE(model);
      SimBus bus;
      bus.add(sim::make_device(model, "d", 7, sim::Seconds{0.0}));
      const auto report = cli::probe_unit(bus, 7);
      CHECK(report.presence == cli::Presence::present);
      REQUIRE(report.models.size() == 1);
      CHECK(report.models[0] == model);
      // AND the evidence cites the model's register table (docs/devices.md), never a file
      // that does not ship with Lookout
      CHECK(report.detail.find("answer as its register table says; ") != std::string::npos);
      CHECK(report.detail.find(".md") == std::string::npos);
    }
  }

  TEST_CASE("a probe exists for every model the gateway supports") {
    for (const auto model : firmware::supported_models()) {
      bool found = false;
      for (const auto& p : cli::model_probes()) found = found || p.model == model;
      CHECK_MESSAGE(found, model);
    }
  }

  TEST_CASE("identification holds in the devices' fault states too") {
    // GIVEN devices whose registers say fault, over range, no echo
    struct Case {
      std::string_view model, field, value;
    };
    for (const auto& c : {Case{"XJ-CH4", "status", "fault"}, Case{"XJ-CH4", "ch4", "9"},
                          Case{"XJ-RL80", "status", "no_echo"}, Case{"XJ-GD100", "fault", "over_range"},
                          Case{"XJ-IN3", "tilt_x", "45"}, Case{"XJ-VW4", "ch3_status", "no_resonance"},
                          Case{"XJ-GN1", "solution", "float"}, Case{"XJ-AR4", "reset_button", "1"}}) {
      CAPTURE(c.model);
      CAPTURE(c.field);
      auto d = sim::make_device(c.model, "d", 3, sim::Seconds{0.0});
      REQUIRE_FALSE(d->set_field(c.field, c.value, sim::Seconds{1.0}));
      if (c.model == "XJ-GN1") REQUIRE_FALSE(d->set_field("new_epoch", "1", sim::Seconds{1.0}));
      SimBus bus;
      bus.add(std::move(d));
      // THEN the model is still known by its map
      const auto report = cli::probe_unit(bus, 3);
      REQUIRE(report.models.size() == 1);
      CHECK(report.models[0] == c.model);
    }
  }

  TEST_CASE("a silent unit is absent after one request") {
    SimBus bus;
    const auto report = cli::probe_unit(bus, 9);
    CHECK(report.presence == cli::Presence::absent);
    CHECK(report.models.empty());
    CHECK(bus.requests == 1);
  }

  TEST_CASE("a unit answering zeros everywhere fits no sheet - unknown") {
    ZeroBus bus;
    const auto report = cli::probe_unit(bus, 1);
    CHECK(report.presence == cli::Presence::present);
    CHECK(report.models.empty());
    // the detail says why each model did not fit
    CHECK(report.detail.find("XJ-CH4: IR 3+1 not refused") != std::string::npos);
    CHECK(report.detail.starts_with("answers, but as none of the register tables: "));
  }
}
