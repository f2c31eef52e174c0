// Reading and writing typed values in the interpreter's 64-bit slots: i32
// and f32 live in the low 32 bits (upper bits zero), i64 and f64 use all 64.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

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

}  // namespace lvm::interp
