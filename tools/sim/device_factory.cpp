#include "tools/sim/device_factory.hpp"

#include "tools/sim/xj_ar4.hpp"
#include "tools/sim/xj_ch4.hpp"
#include "tools/sim/xj_gd100.hpp"
#include "tools/sim/xj_gn1.hpp"
#include "tools/sim/xj_in3.hpp"
#include "tools/sim/xj_rg2.hpp"
#include "tools/sim/xj_rl80.hpp"
#include "tools/sim/xj_vw4.hpp"

namespace lookout::sim {

std::vector<std::string_view> known_models() {
  return {XjCh4::MODEL, XjGd100::MODEL, XjVw4::MODEL, XjRl80::MODEL,
          XjRg2::MODEL, XjIn3::MODEL,   XjGn1::MODEL, XjAr4::MODEL};
}

std::unique_ptr<Device> make_device(std::string_view model, std::string name, int unit,
                                    Seconds warmup) {
  // Only the XJ-CH4 and XJ-GD100 sheets describe a warm-up.
  if (model == XjCh4::MODEL) return std::make_unique<XjCh4>(std::move(name), unit, warmup);
  if (model == XjGd100::MODEL) return std::make_unique<XjGd100>(std::move(name), unit, warmup);
  if (model == XjVw4::MODEL) return std::make_unique<XjVw4>(std::move(name), unit);
  if (model == XjRl80::MODEL) return std::make_unique<XjRl80>(std::move(name), unit);
  if (model == XjRg2::MODEL) return std::make_unique<XjRg2>(std::move(name), unit);
  if (model == XjIn3::MODEL) return std::make_unique<XjIn3>(std::move(name), unit);
  if (model == XjGn1::MODEL) return std::make_unique<XjGn1>(std::move(name), unit);
  if (model == XjAr4::MODEL) return std::make_unique<XjAr4>(std::move(name), unit);
  return nullptr;
}

}  // namespace lookout::sim
