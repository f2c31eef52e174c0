#include "loader/features.h"

namespace lvm {

std::string_view feature_name(Feature f) {
  switch (f) {
    case Feature::Mvp: return "mvp";
#define X(e, n, s) case Feature::e: return n;
    LVM_FEATURES(X)
#undef X
  }
  return "?";
}

std::optional<Feature> feature_from_name(std::string_view name) {
#define X(e, n, s) if (name == n) return Feature::e;
  LVM_FEATURES(X)
#undef X
  return std::nullopt;
}

}  // namespace lvm
