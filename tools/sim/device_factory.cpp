#include "tools/sim/device_factory.hpp"

#include "tools/sim/xj_ch4.hpp"
#include "tools/sim/xj_gd100.hpp"

namespace lookout::sim {

std::vector<std::string_view> known_models() { return {XjCh4::MODEL, XjGd100::MODEL}; }

std::unique_ptr<Device> make_device(std::string_view model, std::string name, int unit,
                                    Seconds warmup) {
  if (model == XjCh4::MODEL) return std::make_unique<XjCh4>(std::move(name), unit, warmup);
  if (model == XjGd100::MODEL) return std::make_unique<XjGd100>(std::move(name), unit, warmup);
  return nullptr;
}

}  // namespace lookout::sim
