#include "tools/lookout/model_probe.hpp"

#include <cmath>
#include <map>
#include <tuple>

#include "firmware/registers.hpp"

namespace lookout::cli {

namespace {

using firmware::RegisterKind;
using Words = std::vector<std::vector<std::uint16_t>>;

constexpr RegisterKind HR = RegisterKind::holding;
constexpr RegisterKind IR = RegisterKind::input;
constexpr RegisterKind CO = RegisterKind::coil;

std::int32_t i32_cdab(const std::vector<std::uint16_t>& w, std::size_t at) {
  return static_cast<std::int32_t>(firmware::combine(w[at], w[at + 1], firmware::WordOrder::cdab));
}

std::vector<ModelProbe> make_probes() {
  return {
      {"XJ-VW4", {{IR, 0, 16}, {HR, 100, 3}},
       [](const Words& w) {
         for (int ch = 0; ch < 4; ++ch) {
           if (w[0][12 + ch] > 4) return false;  // chN_status 0..4
         }
         // HR 100 unit_id 1-247, 101 baud_code 0-4, 102 scan_interval_s 5-3600
         return w[1][0] >= 1 && w[1][0] <= 247 && w[1][1] <= 4 && w[1][2] >= 5 && w[1][2] <= 3600;
       },
       {{IR, 16, 1}, {HR, 103, 1}}},
      {"XJ-GD100", {{HR, 0, 12}},
       [](const Words& w) {
         const auto& r = w[0];
         // status bits 0-7 only; gas_code 1-6; unit_code 0-2; fault_code 0-4
         return r[0] < 0x100 && r[1] >= 1 && r[1] <= 6 && r[4] <= 2 && r[5] <= 4;
       },
       {{HR, 12, 1}}},
      {"XJ-CH4", {{IR, 0, 3}, {HR, 10, 1}},
       [](const Words& w) {
         // ch4 0-400 or 65535 (element fault); status 0-3; local_alarm within the range
         return (w[0][0] <= 400 || w[0][0] == 65535) && w[0][1] <= 3 && w[1][0] <= 400;
       },
       {{IR, 3, 1}, {HR, 11, 1}}},
      {"XJ-RL80", {{HR, 0, 4}},
       [](const Words& w) {
         const auto air_gap = firmware::combine(w[0][0], w[0][1], firmware::WordOrder::abcd);
         // status 0-3; air_gap within 0.3-80 m, or 0xFFFFFFFF on no echo, or short in the blind zone
         return w[0][3] <= 3 && (air_gap <= 80000 || air_gap == 0xFFFFFFFFu);
       },
       {{HR, 4, 1}}},
      {"XJ-RG2", {{HR, 0, 5}},
       [](const Words& w) { return w[0][2] <= 2; },  // resolution_code 0-2
       {{HR, 5, 1}}},
      {"XJ-IN3", {{IR, 0, 6}},
       [](const Words& w) {
         // tilt +-30.000 deg as int32 CDAB x0.001; status 0-2
         return std::abs(i32_cdab(w[0], 0)) <= 30000 && std::abs(i32_cdab(w[0], 2)) <= 30000 && w[0][5] <= 2;
       },
       {{IR, 6, 1}}},
      {"XJ-GN1", {{IR, 0, 10}, {HR, 20, 1}},
       [](const Words& w) {
         const auto solution = w[0][6];
         // solution 0, 1, 2 or 4; mode 0-1
         return (solution <= 2 || solution == 4) && w[1][0] <= 1;
       },
       {{IR, 10, 1}, {HR, 21, 1}}},
      {"XJ-AR4", {{CO, 0, 4}, {HR, 0, 1}, {IR, 0, 1}},
       [](const Words& w) { return w[2][0] <= 1; },  // inputs: only bit0 is defined
       {{CO, 4, 1}, {HR, 1, 1}}},
  };
}

std::string_view kind_name(RegisterKind k) {
  return k == HR ? "HR" : k == IR ? "IR" : "CO";
}

/// Each distinct read asked once per unit, whichever probes need it.
class CachedReads {
 public:
  CachedReads(firmware::ModbusBus& bus, int unit) : bus_(bus), unit_(unit) {}

  const firmware::BusResult& read(const ProbeRead& r, std::vector<std::uint16_t>*& words) {
    const auto key = std::make_tuple(static_cast<int>(r.kind), r.start, r.count);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      Entry e;
      e.result = bus_.read_registers(unit_, r.kind, r.start, r.count, e.words);
      it = cache_.emplace(key, std::move(e)).first;
    }
    words = &it->second.words;
    return it->second.result;
  }

 private:
  struct Entry {
    firmware::BusResult result;
    std::vector<std::uint16_t> words;
  };
  firmware::ModbusBus& bus_;
  int unit_;
  std::map<std::tuple<int, std::uint16_t, std::uint16_t>, Entry> cache_;
};

/// Whether the unit fits `probe`; `why` says what did not fit.
bool fits(const ModelProbe& probe, CachedReads& reads, std::string& why) {
  Words words;
  for (const auto& r : probe.answers) {
    std::vector<std::uint16_t>* w = nullptr;
    const auto& result = reads.read(r, w);
    if (!result.ok()) {
      why = to_string(r) + ": " + result.message;
      return false;
    }
    words.push_back(*w);
  }
  if (!probe.plausible(words)) {
    why = "values outside its register table";
    return false;
  }
  for (const auto& r : probe.refused) {
    std::vector<std::uint16_t>* w = nullptr;
    if (reads.read(r, w).error != firmware::BusError::exception) {
      why = to_string(r) + " not refused";
      return false;
    }
  }
  return true;
}

std::string evidence(const ModelProbe& p) {
  std::string s;
  for (const auto& r : p.answers) s += (s.empty() ? "" : ", ") + to_string(r);
  s += " answer as its register table says; ";
  std::string refused;
  for (const auto& r : p.refused) refused += (refused.empty() ? "" : ", ") + to_string(r);
  return s + refused + " refused";
}

}  // namespace

std::string to_string(const ProbeRead& r) {
  return std::string(kind_name(r.kind)) + " " + std::to_string(r.start) + "+" + std::to_string(r.count);
}

const std::vector<ModelProbe>& model_probes() {
  static const std::vector<ModelProbe> probes = make_probes();
  return probes;
}

UnitReport probe_unit(firmware::ModbusBus& bus, int unit) {
  UnitReport report;
  report.unit = unit;
  CachedReads reads(bus, unit);
  // Every model answers HR 0+1 with a value or an exception (IR-only XJ-IN3: exception 01),
  // so one read tells whether anything is there.
  const ProbeRead first{HR, 0, 1};
  std::vector<std::uint16_t>* w = nullptr;
  const auto& hello = reads.read(first, w);
  switch (hello.error) {
    case firmware::BusError::timeout:
      report.presence = Presence::absent;
      return report;
    case firmware::BusError::io_error:
      report.presence = Presence::failed;
      report.detail = hello.message;
      return report;
    case firmware::BusError::bad_frame:
      report.presence = Presence::garbled;
      report.detail = "corrupt replies: " + hello.message;
      return report;
    case firmware::BusError::none:
    case firmware::BusError::exception: break;
  }
  report.presence = Presence::present;
  std::string misfits;
  for (const auto& p : model_probes()) {
    std::string why;
    if (fits(p, reads, why)) {
      report.models.push_back(p.model);
      report.detail = evidence(p);
    } else {
      misfits += (misfits.empty() ? "" : "; ") + std::string(p.model) + ": " + why;
    }
  }
  if (report.models.empty()) report.detail = "answers, but as none of the register tables: " + misfits;
  return report;
}

}  // namespace lookout::cli
