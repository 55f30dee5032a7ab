// The table of built-in profiles, looked up by model name.

#include <vector>

#include "firmware/profiles/profiles.hpp"

namespace lookout::firmware {
namespace {

const std::vector<Profile>& all_profiles() {
  static const std::vector<Profile> profiles{profiles::xj_ch4(), profiles::xj_gd100(), profiles::xj_vw4(),
                                             profiles::xj_rl80(), profiles::xj_rg2(),    profiles::xj_in3(),
                                             profiles::xj_gn1(),  profiles::xj_ar4()};
  return profiles;
}

}  // namespace

const Profile* find_profile(std::string_view model) {
  for (const auto& p : all_profiles()) {
    if (p.model == model) return &p;
  }
  return nullptr;
}

std::vector<std::string_view> supported_models() {
  std::vector<std::string_view> out;
  for (const auto& p : all_profiles()) out.push_back(p.model);
  return out;
}

}  // namespace lookout::firmware
