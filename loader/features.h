// The set of WebAssembly features a module may use, as a runtime bitset so
// proposals beyond WebAssembly 2.0 can be switched on one at a time. A module
// that uses a feature outside the set is rejected with ErrorKind::Unsupported
// and a message that names the feature.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace lvm {

// X(Enum, "name", in WebAssembly 2.0?)
#define LVM_FEATURES(X)                               \
  X(SignExtension, "sign-extension", true)            \
  X(SaturatingConversions, "nontrapping-fptoint", true) \
  X(MultiValue, "multi-value", true)                  \
  X(MutableGlobals, "mutable-globals", true)          \
  X(BulkMemory, "bulk-memory", true)                  \
  X(ReferenceTypes, "reference-types", true)          \
  X(Simd, "simd", true)                               \
  X(Threads, "threads", false)                        \
  X(TailCall, "tail-call", false)                     \
  X(Exceptions, "exceptions", false)                  \
  X(Memory64, "memory64", false)                      \
  X(MultiMemory, "multi-memory", false)               \
  X(ExtendedConst, "extended-const", false)           \
  X(RelaxedSimd, "relaxed-simd", false)               \
  X(FunctionReferences, "function-references", false) \
  X(Gc, "gc", false)

// One WebAssembly feature. `Mvp` is the 1.0 baseline, always on.
enum class Feature : uint8_t {
  Mvp,
#define X(e, n, s) e,
  LVM_FEATURES(X)
#undef X
};

// The feature's proposal name, e.g. "tail-call".
std::string_view feature_name(Feature f);
// Parses a proposal name as printed by feature_name.
std::optional<Feature> feature_from_name(std::string_view name);

// A set of enabled features. The default is exactly WebAssembly 2.0.
class Features {
 public:
  constexpr Features() : bits_(wasm2_bits()) {}
  static constexpr Features wasm2() { return Features(); }
  static constexpr Features none() { return Features(1); }

  constexpr bool has(Feature f) const { return f == Feature::Mvp || (bits_ >> unsigned(f)) & 1; }
  constexpr Features& enable(Feature f) { bits_ |= uint32_t(1) << unsigned(f); return *this; }
  constexpr Features& disable(Feature f) {
    if (f != Feature::Mvp) bits_ &= ~(uint32_t(1) << unsigned(f));
    return *this;
  }

 private:
  explicit constexpr Features(uint32_t bits) : bits_(bits) {}
  static constexpr uint32_t wasm2_bits() {
    uint32_t b = 1;
#define X(e, n, s) if (s) b |= uint32_t(1) << unsigned(Feature::e);
    LVM_FEATURES(X)
#undef X
    return b;
  }
  uint32_t bits_;
};

}  // namespace lvm
