// Reading and writing typed values in the interpreter's 64-bit slots: i32
// and f32 live in the low 32 bits (upper bits zero), i64 and f64 use all 64,
// a v128 two slots.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "vm/simd.h"

namespace lvm::interp {

template <class T> inline T rd(uint64_t s) {
  if constexpr (std::is_same_v<T, float>) return std::bit_cast<float>(uint32_t(s));
  else if constexpr (std::is_same_v<T, double>) return std::bit_cast<double>(s);
  else return T(s);
}

template <class T> inline uint64_t wr(T v) {
  if constexpr (std::is_same_v<T, float>) return std::bit_cast<uint32_t>(v);
  else if constexpr (std::is_same_v<T, double>) return std::bit_cast<uint64_t>(v);
  else if constexpr (sizeof(T) <= 4) return uint32_t(v);
  else return uint64_t(v);
}

// A v128 in two consecutive slots (or 16 bytes anywhere), lane 0 first.
inline simd::V128 ld128(const void* p) {
  simd::V128 v;
  std::memcpy(&v, p, 16);
  return v;
}
inline void st128(void* p, const simd::V128& v) { std::memcpy(p, &v, 16); }

}  // namespace lvm::interp
