// The semantics of the fixed-width SIMD instructions (spec 4.3.3, 4.4.3),
// lane by lane, defined once for every tier: the interpreter's handlers
// call these, and the JIT's constant folding and slow paths are to call
// the same. Scalar lane rules (NaN quieting, min/max, rounding, saturating
// truncation) come from vm/numeric.h. Each function is named after its
// Opcode (loader/opcodes_simd.def); vm/simd_ops.def lists them by shape.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "vm/numeric.h"

namespace lvm::simd {

// A v128 value: 16 bytes, lane 0 in the lowest bytes (little-endian), as
// it sits in linear memory and in two consecutive 64-bit slots.
struct V128 {
  uint8_t b[16];
};

template <class T> inline T lane(const V128& v, unsigned i) {
  T x;
  std::memcpy(&x, v.b + i * sizeof(T), sizeof(T));
  return x;
}
template <class T> inline void set_lane(V128& v, unsigned i, T x) { std::memcpy(v.b + i * sizeof(T), &x, sizeof(T)); }
template <class T> constexpr unsigned kLanes = 16 / sizeof(T);

// Lane-wise maps: r[i] = f(a[i]) / f(a[i], b[i]).
template <class T, class F> inline V128 map1(const V128& a, F f) {
  V128 r;
  for (unsigned i = 0; i < kLanes<T>; ++i) set_lane<T>(r, i, T(f(lane<T>(a, i))));
  return r;
}
template <class T, class F> inline V128 map2(const V128& a, const V128& b, F f) {
  V128 r;
  for (unsigned i = 0; i < kLanes<T>; ++i) set_lane<T>(r, i, T(f(lane<T>(a, i), lane<T>(b, i))));
  return r;
}
// Comparisons: all ones where true.
template <class T, class F> inline V128 cmp(const V128& a, const V128& b, F f) {
  using U = std::conditional_t<sizeof(T) == 1, uint8_t,
                               std::conditional_t<sizeof(T) == 2, uint16_t,
                                                  std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;
  V128 r;
  for (unsigned i = 0; i < kLanes<T>; ++i) set_lane<U>(r, i, f(lane<T>(a, i), lane<T>(b, i)) ? U(~U(0)) : U(0));
  return r;
}
// The GCC/Clang vector extension types over the same 16 bytes: the lane
// operations that are plain C++ per lane (wrapping arithmetic, compares,
// bitwise, min/max, shuffles) are written on them, which the compiler turns
// into SIMD instructions for the interpreter (and the JIT's generic path).
template <class T> struct VecOf;
#define LVM_SIMD_VEC(T) \
  template <> struct VecOf<T> { typedef T type __attribute__((vector_size(16))); };
LVM_SIMD_VEC(int8_t)
LVM_SIMD_VEC(uint8_t)
LVM_SIMD_VEC(int16_t)
LVM_SIMD_VEC(uint16_t)
LVM_SIMD_VEC(int32_t)
LVM_SIMD_VEC(uint32_t)
LVM_SIMD_VEC(int64_t)
LVM_SIMD_VEC(uint64_t)
#undef LVM_SIMD_VEC
template <class T> using Vec = typename VecOf<T>::type;
template <class T> inline Vec<T> vec(const V128& v) {
  Vec<T> r;
  static_assert(sizeof r == 16);
  std::memcpy(&r, v.b, 16);
  return r;
}
// Any 16-byte vector (a lane type's, or a comparison's mask) as a V128.
template <class X> inline V128 v128(const X& x) {
  static_assert(sizeof(X) == 16);
  V128 r;
  std::memcpy(r.b, &x, 16);
  return r;
}
template <class T> inline T sat(int64_t x) {
  return T(std::clamp<int64_t>(x, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

// ---- splat, lanes, shuffles ----
inline V128 splat8(uint32_t x) { V128 r; std::memset(r.b, int(uint8_t(x)), 16); return r; }
template <class T> inline V128 splat(T x) {
  if constexpr (std::is_integral_v<T>) {
    return v128(Vec<T>{} + x);
  } else {
    V128 r;
    for (unsigned i = 0; i < kLanes<T>; ++i) set_lane<T>(r, i, x);
    return r;
  }
}
inline V128 I8x16Splat(uint32_t x) { return splat8(x); }
inline V128 I16x8Splat(uint32_t x) { return splat<uint16_t>(uint16_t(x)); }
inline V128 I32x4Splat(uint32_t x) { return splat<uint32_t>(x); }
inline V128 I64x2Splat(uint64_t x) { return splat<uint64_t>(x); }
inline V128 F32x4Splat(float x) { return splat<float>(x); }
inline V128 F64x2Splat(double x) { return splat<double>(x); }

inline int32_t I8x16ExtractLaneS(const V128& v, unsigned l) { return lane<int8_t>(v, l); }
inline uint32_t I8x16ExtractLaneU(const V128& v, unsigned l) { return lane<uint8_t>(v, l); }
inline int32_t I16x8ExtractLaneS(const V128& v, unsigned l) { return lane<int16_t>(v, l); }
inline uint32_t I16x8ExtractLaneU(const V128& v, unsigned l) { return lane<uint16_t>(v, l); }
inline uint32_t I32x4ExtractLane(const V128& v, unsigned l) { return lane<uint32_t>(v, l); }
inline uint64_t I64x2ExtractLane(const V128& v, unsigned l) { return lane<uint64_t>(v, l); }
inline float F32x4ExtractLane(const V128& v, unsigned l) { return lane<float>(v, l); }
inline double F64x2ExtractLane(const V128& v, unsigned l) { return lane<double>(v, l); }

template <class T> inline V128 replace(V128 v, T x, unsigned l) {
  set_lane<T>(v, l, x);
  return v;
}
inline V128 I8x16ReplaceLane(const V128& v, uint32_t x, unsigned l) { return replace<uint8_t>(v, uint8_t(x), l); }
inline V128 I16x8ReplaceLane(const V128& v, uint32_t x, unsigned l) { return replace<uint16_t>(v, uint16_t(x), l); }
inline V128 I32x4ReplaceLane(const V128& v, uint32_t x, unsigned l) { return replace<uint32_t>(v, x, l); }
inline V128 I64x2ReplaceLane(const V128& v, uint64_t x, unsigned l) { return replace<uint64_t>(v, x, l); }
inline V128 F32x4ReplaceLane(const V128& v, float x, unsigned l) { return replace<float>(v, x, l); }
inline V128 F64x2ReplaceLane(const V128& v, double x, unsigned l) { return replace<double>(v, x, l); }

// i8x16.shuffle: lane i of the result is lane s[i] of a ++ b (s[i] < 32,
// checked by the validator).
inline V128 I8x16Shuffle(const V128& a, const V128& b, const uint8_t s[16]) {
#if defined(__GNUC__) && !defined(__clang__)
  Vec<uint8_t> mask;
  std::memcpy(&mask, s, 16);
  return v128(__builtin_shuffle(vec<uint8_t>(a), vec<uint8_t>(b), mask));  // (indices mod 32)
#else
  V128 r;
  for (unsigned i = 0; i < 16; ++i) r.b[i] = s[i] < 16 ? a.b[s[i]] : b.b[s[i] - 16];
  return r;
#endif
}
inline V128 I8x16Swizzle(const V128& a, const V128& s) {
#if defined(__GNUC__) && !defined(__clang__)
  const Vec<uint8_t> idx = vec<uint8_t>(s);
  const Vec<uint8_t> picked = __builtin_shuffle(vec<uint8_t>(a), idx);  // (indices mod 16)
  return v128(picked & Vec<uint8_t>(idx < 16));
#else
  V128 r;
  for (unsigned i = 0; i < 16; ++i) r.b[i] = s.b[i] < 16 ? a.b[s.b[i]] : 0;
  return r;
#endif
}

// ---- comparisons ----
#define LVM_SIMD_ICMP(P, T, U)                                                                  \
  inline V128 P##Eq(const V128& a, const V128& b) { return v128(vec<T>(a) == vec<T>(b)); }   \
  inline V128 P##Ne(const V128& a, const V128& b) { return v128(vec<T>(a) != vec<T>(b)); }   \
  inline V128 P##LtS(const V128& a, const V128& b) { return v128(vec<T>(a) < vec<T>(b)); }   \
  inline V128 P##GtS(const V128& a, const V128& b) { return v128(vec<T>(a) > vec<T>(b)); }   \
  inline V128 P##LeS(const V128& a, const V128& b) { return v128(vec<T>(a) <= vec<T>(b)); }  \
  inline V128 P##GeS(const V128& a, const V128& b) { return v128(vec<T>(a) >= vec<T>(b)); }  \
  inline V128 P##LtU(const V128& a, const V128& b) { return v128(vec<U>(a) < vec<U>(b)); }   \
  inline V128 P##GtU(const V128& a, const V128& b) { return v128(vec<U>(a) > vec<U>(b)); }   \
  inline V128 P##LeU(const V128& a, const V128& b) { return v128(vec<U>(a) <= vec<U>(b)); }  \
  inline V128 P##GeU(const V128& a, const V128& b) { return v128(vec<U>(a) >= vec<U>(b)); }
LVM_SIMD_ICMP(I8x16, int8_t, uint8_t)
LVM_SIMD_ICMP(I16x8, int16_t, uint16_t)
LVM_SIMD_ICMP(I32x4, int32_t, uint32_t)
LVM_SIMD_ICMP(I64x2, int64_t, uint64_t)  // (i64x2 has no unsigned comparisons; unused)
#undef LVM_SIMD_ICMP

#define LVM_SIMD_FCMP(P, T)                                                                             \
  inline V128 P##Eq(const V128& a, const V128& b) { return cmp<T>(a, b, [](T x, T y) { return x == y; }); } \
  inline V128 P##Ne(const V128& a, const V128& b) { return cmp<T>(a, b, [](T x, T y) { return x != y; }); } \
  inline V128 P##Lt(const V128& a, const V128& b) { return cmp<T>(a, b, [](T x, T y) { return x < y; }); }  \
  inline V128 P##Gt(const V128& a, const V128& b) { return cmp<T>(a, b, [](T x, T y) { return x > y; }); }  \
  inline V128 P##Le(const V128& a, const V128& b) { return cmp<T>(a, b, [](T x, T y) { return x <= y; }); } \
  inline V128 P##Ge(const V128& a, const V128& b) { return cmp<T>(a, b, [](T x, T y) { return x >= y; }); }
LVM_SIMD_FCMP(F32x4, float)
LVM_SIMD_FCMP(F64x2, double)
#undef LVM_SIMD_FCMP

// ---- bitwise ----
using W64 = Vec<uint64_t>;
inline V128 V128Not(const V128& a) { return v128(~vec<uint64_t>(a)); }
inline V128 V128And(const V128& a, const V128& b) { return v128(vec<uint64_t>(a) & vec<uint64_t>(b)); }
inline V128 V128Andnot(const V128& a, const V128& b) { return v128(vec<uint64_t>(a) & ~vec<uint64_t>(b)); }
inline V128 V128Or(const V128& a, const V128& b) { return v128(vec<uint64_t>(a) | vec<uint64_t>(b)); }
inline V128 V128Xor(const V128& a, const V128& b) { return v128(vec<uint64_t>(a) ^ vec<uint64_t>(b)); }
inline V128 V128Bitselect(const V128& a, const V128& b, const V128& c) {
  const W64 m = vec<uint64_t>(c);
  return v128((vec<uint64_t>(a) & m) | (vec<uint64_t>(b) & ~m));
}
inline uint32_t V128AnyTrue(const V128& a) { return (lane<uint64_t>(a, 0) | lane<uint64_t>(a, 1)) != 0; }

// ---- integer arithmetic ----
template <class T> inline uint32_t all_true(const V128& a) {
  for (unsigned i = 0; i < kLanes<T>; ++i)
    if (!lane<T>(a, i)) return 0;
  return 1;
}
template <class S> inline uint32_t bitmask(const V128& a) {
  uint32_t m = 0;
  for (unsigned i = 0; i < kLanes<S>; ++i) m |= uint32_t(lane<S>(a, i) < 0) << i;
  return m;
}
// Shifts take the count modulo the lane width (spec 4.3.3, ishl etc.).
template <class T> inline V128 shl(const V128& a, uint32_t k) {
  return map1<T>(a, [k](T x) { return num::shl<T>(x, T(k)); });
}
template <class S> inline V128 shr_s(const V128& a, uint32_t k) {
  return map1<S>(a, [k](S x) { return num::shr_s<S>(x, S(k)); });
}
template <class U> inline V128 shr_u(const V128& a, uint32_t k) {
  return map1<U>(a, [k](U x) { return num::shr_u<U>(x, U(k)); });
}
// (unsigned lanes: wrapping)
template <class T> inline V128 add(const V128& a, const V128& b) { return v128(vec<T>(a) + vec<T>(b)); }
template <class T> inline V128 sub(const V128& a, const V128& b) { return v128(vec<T>(a) - vec<T>(b)); }
template <class T> inline V128 mul(const V128& a, const V128& b) { return v128(vec<T>(a) * vec<T>(b)); }
template <class T> inline V128 add_sat(const V128& a, const V128& b) {
  return map2<T>(a, b, [](T x, T y) { return sat<T>(int64_t(x) + int64_t(y)); });
}
template <class T> inline V128 sub_sat(const V128& a, const V128& b) {
  return map2<T>(a, b, [](T x, T y) { return sat<T>(int64_t(x) - int64_t(y)); });
}
template <class T> inline V128 min(const V128& a, const V128& b) {
  const Vec<T> x = vec<T>(a), y = vec<T>(b);
  return v128(x < y ? x : y);
}
template <class T> inline V128 max(const V128& a, const V128& b) {
  const Vec<T> x = vec<T>(a), y = vec<T>(b);
  return v128(x > y ? x : y);
}
template <class U> inline V128 avgr(const V128& a, const V128& b) {
  return map2<U>(a, b, [](U x, U y) { return U((uint32_t(x) + uint32_t(y) + 1) >> 1); });
}
template <class S> inline V128 iabs(const V128& a) {
  using U = std::make_unsigned_t<S>;
  return map1<S>(a, [](S x) { return S(x < 0 ? U(0) - U(x) : U(x)); });
}
template <class T> inline V128 ineg(const V128& a) { return v128(Vec<T>{} - vec<T>(a)); }
// Narrowing: a's lanes then b's, each saturated to the narrower type.
template <class From, class To> inline V128 narrow(const V128& a, const V128& b) {
  V128 r;
  constexpr unsigned n = kLanes<From>;
  for (unsigned i = 0; i < n; ++i) set_lane<To>(r, i, sat<To>(lane<From>(a, i)));
  for (unsigned i = 0; i < n; ++i) set_lane<To>(r, n + i, sat<To>(lane<From>(b, i)));
  return r;
}
// Widening: the low or high half of a's lanes, extended.
template <class From, class To> inline V128 extend(const V128& a, bool high) {
  V128 r;
  constexpr unsigned n = kLanes<To>;
  for (unsigned i = 0; i < n; ++i) set_lane<To>(r, i, To(lane<From>(a, (high ? n : 0) + i)));
  return r;
}
template <class From, class To> inline V128 extmul(const V128& a, const V128& b, bool high) {
  V128 r;
  constexpr unsigned n = kLanes<To>;
  for (unsigned i = 0; i < n; ++i) {
    const unsigned k = (high ? n : 0) + i;
    set_lane<To>(r, i, num::mul(To(lane<From>(a, k)), To(lane<From>(b, k))));
  }
  return r;
}
template <class From, class To> inline V128 extadd_pairwise(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < kLanes<To>; ++i)
    set_lane<To>(r, i, To(To(lane<From>(a, 2 * i)) + To(lane<From>(a, 2 * i + 1))));
  return r;
}

inline V128 I8x16Abs(const V128& a) { return iabs<int8_t>(a); }
inline V128 I8x16Neg(const V128& a) { return ineg<uint8_t>(a); }
inline V128 I8x16Popcnt(const V128& a) { return map1<uint8_t>(a, [](uint8_t x) { return num::popcnt(x); }); }
inline uint32_t I8x16AllTrue(const V128& a) { return all_true<uint8_t>(a); }
inline uint32_t I8x16Bitmask(const V128& a) { return bitmask<int8_t>(a); }
inline V128 I8x16NarrowI16x8S(const V128& a, const V128& b) { return narrow<int16_t, int8_t>(a, b); }
inline V128 I8x16NarrowI16x8U(const V128& a, const V128& b) { return narrow<int16_t, uint8_t>(a, b); }
inline V128 I8x16Shl(const V128& a, uint32_t k) { return shl<uint8_t>(a, k); }
inline V128 I8x16ShrS(const V128& a, uint32_t k) { return shr_s<int8_t>(a, k); }
inline V128 I8x16ShrU(const V128& a, uint32_t k) { return shr_u<uint8_t>(a, k); }
inline V128 I8x16Add(const V128& a, const V128& b) { return add<uint8_t>(a, b); }
inline V128 I8x16AddSatS(const V128& a, const V128& b) { return add_sat<int8_t>(a, b); }
inline V128 I8x16AddSatU(const V128& a, const V128& b) { return add_sat<uint8_t>(a, b); }
inline V128 I8x16Sub(const V128& a, const V128& b) { return sub<uint8_t>(a, b); }
inline V128 I8x16SubSatS(const V128& a, const V128& b) { return sub_sat<int8_t>(a, b); }
inline V128 I8x16SubSatU(const V128& a, const V128& b) { return sub_sat<uint8_t>(a, b); }
inline V128 I8x16MinS(const V128& a, const V128& b) { return min<int8_t>(a, b); }
inline V128 I8x16MinU(const V128& a, const V128& b) { return min<uint8_t>(a, b); }
inline V128 I8x16MaxS(const V128& a, const V128& b) { return max<int8_t>(a, b); }
inline V128 I8x16MaxU(const V128& a, const V128& b) { return max<uint8_t>(a, b); }
inline V128 I8x16AvgrU(const V128& a, const V128& b) { return avgr<uint8_t>(a, b); }

inline V128 I16x8ExtaddPairwiseI8x16S(const V128& a) { return extadd_pairwise<int8_t, int16_t>(a); }
inline V128 I16x8ExtaddPairwiseI8x16U(const V128& a) { return extadd_pairwise<uint8_t, uint16_t>(a); }
inline V128 I32x4ExtaddPairwiseI16x8S(const V128& a) { return extadd_pairwise<int16_t, int32_t>(a); }
inline V128 I32x4ExtaddPairwiseI16x8U(const V128& a) { return extadd_pairwise<uint16_t, uint32_t>(a); }
inline V128 I16x8Abs(const V128& a) { return iabs<int16_t>(a); }
inline V128 I16x8Neg(const V128& a) { return ineg<uint16_t>(a); }
// Q15 rounding multiply: (a * b + 2^14) >> 15, saturated.
inline V128 I16x8Q15mulrSatS(const V128& a, const V128& b) {
  return map2<int16_t>(a, b, [](int16_t x, int16_t y) { return sat<int16_t>((int32_t(x) * int32_t(y) + 0x4000) >> 15); });
}
inline uint32_t I16x8AllTrue(const V128& a) { return all_true<uint16_t>(a); }
inline uint32_t I16x8Bitmask(const V128& a) { return bitmask<int16_t>(a); }
inline V128 I16x8NarrowI32x4S(const V128& a, const V128& b) { return narrow<int32_t, int16_t>(a, b); }
inline V128 I16x8NarrowI32x4U(const V128& a, const V128& b) { return narrow<int32_t, uint16_t>(a, b); }
inline V128 I16x8ExtendLowI8x16S(const V128& a) { return extend<int8_t, int16_t>(a, false); }
inline V128 I16x8ExtendHighI8x16S(const V128& a) { return extend<int8_t, int16_t>(a, true); }
inline V128 I16x8ExtendLowI8x16U(const V128& a) { return extend<uint8_t, uint16_t>(a, false); }
inline V128 I16x8ExtendHighI8x16U(const V128& a) { return extend<uint8_t, uint16_t>(a, true); }
inline V128 I16x8Shl(const V128& a, uint32_t k) { return shl<uint16_t>(a, k); }
inline V128 I16x8ShrS(const V128& a, uint32_t k) { return shr_s<int16_t>(a, k); }
inline V128 I16x8ShrU(const V128& a, uint32_t k) { return shr_u<uint16_t>(a, k); }
inline V128 I16x8Add(const V128& a, const V128& b) { return add<uint16_t>(a, b); }
inline V128 I16x8AddSatS(const V128& a, const V128& b) { return add_sat<int16_t>(a, b); }
inline V128 I16x8AddSatU(const V128& a, const V128& b) { return add_sat<uint16_t>(a, b); }
inline V128 I16x8Sub(const V128& a, const V128& b) { return sub<uint16_t>(a, b); }
inline V128 I16x8SubSatS(const V128& a, const V128& b) { return sub_sat<int16_t>(a, b); }
inline V128 I16x8SubSatU(const V128& a, const V128& b) { return sub_sat<uint16_t>(a, b); }
inline V128 I16x8Mul(const V128& a, const V128& b) { return mul<uint16_t>(a, b); }
inline V128 I16x8MinS(const V128& a, const V128& b) { return min<int16_t>(a, b); }
inline V128 I16x8MinU(const V128& a, const V128& b) { return min<uint16_t>(a, b); }
inline V128 I16x8MaxS(const V128& a, const V128& b) { return max<int16_t>(a, b); }
inline V128 I16x8MaxU(const V128& a, const V128& b) { return max<uint16_t>(a, b); }
inline V128 I16x8AvgrU(const V128& a, const V128& b) { return avgr<uint16_t>(a, b); }
inline V128 I16x8ExtmulLowI8x16S(const V128& a, const V128& b) { return extmul<int8_t, int16_t>(a, b, false); }
inline V128 I16x8ExtmulHighI8x16S(const V128& a, const V128& b) { return extmul<int8_t, int16_t>(a, b, true); }
inline V128 I16x8ExtmulLowI8x16U(const V128& a, const V128& b) { return extmul<uint8_t, uint16_t>(a, b, false); }
inline V128 I16x8ExtmulHighI8x16U(const V128& a, const V128& b) { return extmul<uint8_t, uint16_t>(a, b, true); }

inline V128 I32x4Abs(const V128& a) { return iabs<int32_t>(a); }
inline V128 I32x4Neg(const V128& a) { return ineg<uint32_t>(a); }
inline uint32_t I32x4AllTrue(const V128& a) { return all_true<uint32_t>(a); }
inline uint32_t I32x4Bitmask(const V128& a) { return bitmask<int32_t>(a); }
inline V128 I32x4ExtendLowI16x8S(const V128& a) { return extend<int16_t, int32_t>(a, false); }
inline V128 I32x4ExtendHighI16x8S(const V128& a) { return extend<int16_t, int32_t>(a, true); }
inline V128 I32x4ExtendLowI16x8U(const V128& a) { return extend<uint16_t, uint32_t>(a, false); }
inline V128 I32x4ExtendHighI16x8U(const V128& a) { return extend<uint16_t, uint32_t>(a, true); }
inline V128 I32x4Shl(const V128& a, uint32_t k) { return shl<uint32_t>(a, k); }
inline V128 I32x4ShrS(const V128& a, uint32_t k) { return shr_s<int32_t>(a, k); }
inline V128 I32x4ShrU(const V128& a, uint32_t k) { return shr_u<uint32_t>(a, k); }
inline V128 I32x4Add(const V128& a, const V128& b) { return add<uint32_t>(a, b); }
inline V128 I32x4Sub(const V128& a, const V128& b) { return sub<uint32_t>(a, b); }
inline V128 I32x4Mul(const V128& a, const V128& b) { return mul<uint32_t>(a, b); }
inline V128 I32x4MinS(const V128& a, const V128& b) { return min<int32_t>(a, b); }
inline V128 I32x4MinU(const V128& a, const V128& b) { return min<uint32_t>(a, b); }
inline V128 I32x4MaxS(const V128& a, const V128& b) { return max<int32_t>(a, b); }
inline V128 I32x4MaxU(const V128& a, const V128& b) { return max<uint32_t>(a, b); }
// Pairs of 16-bit products summed into 32 bits (wrapping: only
// -32768 * -32768 twice overflows).
inline V128 I32x4DotI16x8S(const V128& a, const V128& b) {
  V128 r;
  for (unsigned i = 0; i < 4; ++i) {
    const int32_t p0 = int32_t(lane<int16_t>(a, 2 * i)) * lane<int16_t>(b, 2 * i);
    const int32_t p1 = int32_t(lane<int16_t>(a, 2 * i + 1)) * lane<int16_t>(b, 2 * i + 1);
    set_lane<int32_t>(r, i, num::add(p0, p1));
  }
  return r;
}
inline V128 I32x4ExtmulLowI16x8S(const V128& a, const V128& b) { return extmul<int16_t, int32_t>(a, b, false); }
inline V128 I32x4ExtmulHighI16x8S(const V128& a, const V128& b) { return extmul<int16_t, int32_t>(a, b, true); }
inline V128 I32x4ExtmulLowI16x8U(const V128& a, const V128& b) { return extmul<uint16_t, uint32_t>(a, b, false); }
inline V128 I32x4ExtmulHighI16x8U(const V128& a, const V128& b) { return extmul<uint16_t, uint32_t>(a, b, true); }

inline V128 I64x2Abs(const V128& a) { return iabs<int64_t>(a); }
inline V128 I64x2Neg(const V128& a) { return ineg<uint64_t>(a); }
inline uint32_t I64x2AllTrue(const V128& a) { return all_true<uint64_t>(a); }
inline uint32_t I64x2Bitmask(const V128& a) { return bitmask<int64_t>(a); }
inline V128 I64x2ExtendLowI32x4S(const V128& a) { return extend<int32_t, int64_t>(a, false); }
inline V128 I64x2ExtendHighI32x4S(const V128& a) { return extend<int32_t, int64_t>(a, true); }
inline V128 I64x2ExtendLowI32x4U(const V128& a) { return extend<uint32_t, uint64_t>(a, false); }
inline V128 I64x2ExtendHighI32x4U(const V128& a) { return extend<uint32_t, uint64_t>(a, true); }
inline V128 I64x2Shl(const V128& a, uint32_t k) { return shl<uint64_t>(a, k); }
inline V128 I64x2ShrS(const V128& a, uint32_t k) { return shr_s<int64_t>(a, k); }
inline V128 I64x2ShrU(const V128& a, uint32_t k) { return shr_u<uint64_t>(a, k); }
inline V128 I64x2Add(const V128& a, const V128& b) { return add<uint64_t>(a, b); }
inline V128 I64x2Sub(const V128& a, const V128& b) { return sub<uint64_t>(a, b); }
inline V128 I64x2Mul(const V128& a, const V128& b) { return mul<uint64_t>(a, b); }
inline V128 I64x2ExtmulLowI32x4S(const V128& a, const V128& b) { return extmul<int32_t, int64_t>(a, b, false); }
inline V128 I64x2ExtmulHighI32x4S(const V128& a, const V128& b) { return extmul<int32_t, int64_t>(a, b, true); }
inline V128 I64x2ExtmulLowI32x4U(const V128& a, const V128& b) { return extmul<uint32_t, uint64_t>(a, b, false); }
inline V128 I64x2ExtmulHighI32x4U(const V128& a, const V128& b) { return extmul<uint32_t, uint64_t>(a, b, true); }

// ---- floating point (lane rules of vm/numeric.h) ----
// Arithmetic with NaN operands gives the first NaN operand, quieted, as x86's
// SSE does (the spec allows any of them, or the canonical NaN): so the tiers
// agree bit for bit, whatever order a C++ compiler gives the operands.
template <class T, class Op> inline T fbin(T x, T y, Op op) {
  if (std::isnan(x)) return num::quiet(x);
  if (std::isnan(y)) return num::quiet(y);
  return op(x, y);
}
#define LVM_SIMD_FLOAT(P, T)                                                                                   \
  inline V128 P##Abs(const V128& a) { return map1<T>(a, [](T x) { return num::abs(x); }); }                     \
  inline V128 P##Neg(const V128& a) { return map1<T>(a, [](T x) { return num::neg(x); }); }                     \
  inline V128 P##Sqrt(const V128& a) { return map1<T>(a, [](T x) { return num::sqrt(x); }); }                   \
  inline V128 P##Ceil(const V128& a) { return map1<T>(a, [](T x) { return num::ceil(x); }); }                   \
  inline V128 P##Floor(const V128& a) { return map1<T>(a, [](T x) { return num::floor(x); }); }                 \
  inline V128 P##Trunc(const V128& a) { return map1<T>(a, [](T x) { return num::trunc(x); }); }                 \
  inline V128 P##Nearest(const V128& a) { return map1<T>(a, [](T x) { return num::nearest(x); }); }             \
  inline V128 P##Add(const V128& a, const V128& b) {                                                        \
    return map2<T>(a, b, [](T x, T y) { return fbin(x, y, [](T p, T q) { return p + q; }); });            \
  }                                                                                                          \
  inline V128 P##Sub(const V128& a, const V128& b) {                                                        \
    return map2<T>(a, b, [](T x, T y) { return fbin(x, y, [](T p, T q) { return p - q; }); });            \
  }                                                                                                          \
  inline V128 P##Mul(const V128& a, const V128& b) {                                                        \
    return map2<T>(a, b, [](T x, T y) { return fbin(x, y, [](T p, T q) { return p * q; }); });            \
  }                                                                                                          \
  inline V128 P##Div(const V128& a, const V128& b) {                                                        \
    return map2<T>(a, b, [](T x, T y) { return fbin(x, y, [](T p, T q) { return p / q; }); });            \
  }                                                                                                          \
  inline V128 P##Min(const V128& a, const V128& b) { return map2<T>(a, b, [](T x, T y) { return num::min(x, y); }); } \
  inline V128 P##Max(const V128& a, const V128& b) { return map2<T>(a, b, [](T x, T y) { return num::max(x, y); }); } \
  /* pmin/pmax: b < a ? b : a and a < b ? b : a, NaNs passed through as they fall */                           \
  inline V128 P##Pmin(const V128& a, const V128& b) { return map2<T>(a, b, [](T x, T y) { return y < x ? y : x; }); } \
  inline V128 P##Pmax(const V128& a, const V128& b) { return map2<T>(a, b, [](T x, T y) { return x < y ? y : x; }); }
LVM_SIMD_FLOAT(F32x4, float)
LVM_SIMD_FLOAT(F64x2, double)
#undef LVM_SIMD_FLOAT

// ---- conversions ----
inline V128 I32x4TruncSatF32x4S(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 4; ++i) set_lane<int32_t>(r, i, num::trunc_sat<int32_t>(lane<float>(a, i)));
  return r;
}
inline V128 I32x4TruncSatF32x4U(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 4; ++i) set_lane<uint32_t>(r, i, num::trunc_sat<uint32_t>(lane<float>(a, i)));
  return r;
}
inline V128 F32x4ConvertI32x4S(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 4; ++i) set_lane<float>(r, i, float(lane<int32_t>(a, i)));
  return r;
}
inline V128 F32x4ConvertI32x4U(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 4; ++i) set_lane<float>(r, i, float(lane<uint32_t>(a, i)));
  return r;
}
// The two f64 lanes into the low i32 lanes; the high ones zero.
inline V128 I32x4TruncSatF64x2SZero(const V128& a) {
  V128 r{};
  for (unsigned i = 0; i < 2; ++i) set_lane<int32_t>(r, i, num::trunc_sat<int32_t>(lane<double>(a, i)));
  return r;
}
inline V128 I32x4TruncSatF64x2UZero(const V128& a) {
  V128 r{};
  for (unsigned i = 0; i < 2; ++i) set_lane<uint32_t>(r, i, num::trunc_sat<uint32_t>(lane<double>(a, i)));
  return r;
}
inline V128 F64x2ConvertLowI32x4S(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) set_lane<double>(r, i, double(lane<int32_t>(a, i)));
  return r;
}
inline V128 F64x2ConvertLowI32x4U(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) set_lane<double>(r, i, double(lane<uint32_t>(a, i)));
  return r;
}
inline V128 F32x4DemoteF64x2Zero(const V128& a) {
  V128 r{};
  for (unsigned i = 0; i < 2; ++i) set_lane<float>(r, i, num::demote(lane<double>(a, i)));
  return r;
}
inline V128 F64x2PromoteLowF32x4(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) set_lane<double>(r, i, num::promote(lane<float>(a, i)));
  return r;
}

// ---- loads (spec 4.4.7): `p` points at the bytes read ----
template <class From, class To> inline V128 load_extend(const uint8_t* p) {
  V128 r;
  for (unsigned i = 0; i < kLanes<To>; ++i) {
    From x;
    std::memcpy(&x, p + i * sizeof(From), sizeof(From));
    set_lane<To>(r, i, To(x));
  }
  return r;
}
template <class T> inline V128 load_splat(const uint8_t* p) {
  T x;
  std::memcpy(&x, p, sizeof(T));
  return splat<T>(x);
}
template <class T> inline V128 load_zero(const uint8_t* p) {
  V128 r{};
  std::memcpy(r.b, p, sizeof(T));
  return r;
}

}  // namespace lvm::simd
