// The JIT's generic path for SIMD instructions (jit/runtime.h,
// rt::simd_apply): one switch over vm/simd_ops.def calling vm/simd.h, so
// compiled code computes every lane exactly as the interpreter does.
#include <bit>
#include <cstring>

#include "jit/runtime.h"
#include "loader/opcodes.h"
#include "vm/simd.h"

namespace lvm::jit::rt {

namespace {
using simd::V128;
V128 ld(uint64_t p) {
  V128 v;
  std::memcpy(&v, reinterpret_cast<const void*>(p), 16);
  return v;
}
void st(uint64_t p, const V128& v) { std::memcpy(reinterpret_cast<void*>(p), &v, 16); }
template <class T> T from_bits(uint64_t x) {
  if constexpr (std::is_same_v<T, float>) return std::bit_cast<float>(uint32_t(x));
  else if constexpr (std::is_same_v<T, double>) return std::bit_cast<double>(x);
  else return T(x);
}
template <class T> uint64_t to_bits(T v) {
  if constexpr (std::is_same_v<T, float>) return std::bit_cast<uint32_t>(v);
  else if constexpr (std::is_same_v<T, double>) return std::bit_cast<uint64_t>(v);
  else if constexpr (sizeof(T) <= 4) return uint32_t(v);
  else return uint64_t(v);
}
void st_scalar(uint64_t p, uint64_t bits) { std::memcpy(reinterpret_cast<void*>(p), &bits, 8); }
}  // namespace

void simd_apply(uint64_t op_lane, uint64_t dst, uint64_t a, uint64_t b, uint64_t c, uint64_t x) {
  const Opcode op = Opcode(uint16_t(op_lane));
  const unsigned lane = unsigned(op_lane >> 16) & 0xFF;
  (void)c;
  (void)lane;
  switch (op) {
#define SIMD_V_V(name) case Opcode::name: st(dst, simd::name(ld(a))); return;
#define SIMD_V_VV(name) case Opcode::name: st(dst, simd::name(ld(a), ld(b))); return;
#define SIMD_V_VVV(name) case Opcode::name: st(dst, simd::name(ld(a), ld(b), ld(c))); return;
#define SIMD_I_V(name) case Opcode::name: st_scalar(dst, simd::name(ld(a))); return;
#define SIMD_V_VI(name) case Opcode::name: st(dst, simd::name(ld(a), uint32_t(x))); return;
#define SIMD_SPLAT(name, T) case Opcode::name: st(dst, simd::name(from_bits<T>(x))); return;
#define SIMD_EXTRACT(name, T) case Opcode::name: st_scalar(dst, to_bits<T>(simd::name(ld(a), lane))); return;
#define SIMD_REPLACE(name, T) case Opcode::name: st(dst, simd::name(ld(a), from_bits<T>(x), lane)); return;
#include "vm/simd_ops.def"
    case Opcode::I8x16Shuffle:
      st(dst, simd::I8x16Shuffle(ld(a), ld(b), reinterpret_cast<const uint8_t*>(x)));
      return;
    case Opcode::V128Load8x8S: st(dst, simd::load_extend<int8_t, int16_t>(reinterpret_cast<const uint8_t*>(&x))); return;
    case Opcode::V128Load8x8U: st(dst, simd::load_extend<uint8_t, uint16_t>(reinterpret_cast<const uint8_t*>(&x))); return;
    case Opcode::V128Load16x4S: st(dst, simd::load_extend<int16_t, int32_t>(reinterpret_cast<const uint8_t*>(&x))); return;
    case Opcode::V128Load16x4U: st(dst, simd::load_extend<uint16_t, uint32_t>(reinterpret_cast<const uint8_t*>(&x))); return;
    case Opcode::V128Load32x2S: st(dst, simd::load_extend<int32_t, int64_t>(reinterpret_cast<const uint8_t*>(&x))); return;
    case Opcode::V128Load32x2U: st(dst, simd::load_extend<uint32_t, uint64_t>(reinterpret_cast<const uint8_t*>(&x))); return;
    case Opcode::V128Load32Zero: st(dst, simd::load_zero<uint32_t>(reinterpret_cast<const uint8_t*>(&x))); return;
    case Opcode::V128Load64Zero: st(dst, simd::load_zero<uint64_t>(reinterpret_cast<const uint8_t*>(&x))); return;
    default: return;  // (the compiler emits no other)
  }
}

}  // namespace lvm::jit::rt
