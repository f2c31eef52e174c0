#include "mode.h"

namespace lvm::spec {

const std::vector<ModeInfo>& all_modes() {
  static const std::vector<ModeInfo> kModes = {
      {"validate", &make_validate_mode},
      {"interp", [] { return make_interp_mode(); }},
      {"jit", &make_jit_mode},
      {"jit-lazy", &make_jit_lazy_mode},
      {"jit-small", &make_jit_small_mode},
  };
  return kModes;
}

const ModeInfo* find_mode(std::string_view name) {
  for (const auto& m : all_modes())
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace lvm::spec
