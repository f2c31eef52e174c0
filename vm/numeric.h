// The numeric semantics of WebAssembly (spec 4.3), written once and used by
// every tier: the interpreter calls these directly, and the JIT either emits
// the same logic or calls them for the rare cases. Integer arithmetic wraps;
// shifts and rotates take their count modulo the width; division and
// truncation report traps as values; float min/max/nearest follow IEEE 754
// as the spec pins it down (NaN propagation, signed zeros, ties to even).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "vm/trap.h"

namespace lvm::num {

// ---- integers (spec 4.3.2) ----

template <class T> using Unsigned = std::make_unsigned_t<T>;
template <class T> using Signed = std::make_signed_t<T>;

template <class T> constexpr T add(T a, T b) { return T(Unsigned<T>(a) + Unsigned<T>(b)); }
template <class T> constexpr T sub(T a, T b) { return T(Unsigned<T>(a) - Unsigned<T>(b)); }
template <class T> constexpr T mul(T a, T b) { return T(Unsigned<T>(a) * Unsigned<T>(b)); }

template <class T> constexpr T shl(T a, T b) {
  return T(Unsigned<T>(a) << (Unsigned<T>(b) & (sizeof(T) * 8 - 1)));
}
template <class T> constexpr T shr_s(T a, T b) {
  return T(Signed<T>(a) >> (Unsigned<T>(b) & (sizeof(T) * 8 - 1)));
}
template <class T> constexpr T shr_u(T a, T b) {
  return T(Unsigned<T>(a) >> (Unsigned<T>(b) & (sizeof(T) * 8 - 1)));
}
template <class T> constexpr T rotl(T a, T b) { return T(std::rotl(Unsigned<T>(a), int(Unsigned<T>(b) & (sizeof(T) * 8 - 1)))); }
template <class T> constexpr T rotr(T a, T b) { return T(std::rotr(Unsigned<T>(a), int(Unsigned<T>(b) & (sizeof(T) * 8 - 1)))); }
template <class T> constexpr T clz(T a) { return T(std::countl_zero(Unsigned<T>(a))); }
template <class T> constexpr T ctz(T a) { return T(std::countr_zero(Unsigned<T>(a))); }
template <class T> constexpr T popcnt(T a) { return T(std::popcount(Unsigned<T>(a))); }

// Signed division: traps on a zero divisor and on MIN / -1.
template <class T> constexpr Trap div_s(T a, T b, T& out) {
  using S = Signed<T>;
  if (b == 0) return Trap::IntegerDivideByZero;
  if (S(a) == std::numeric_limits<S>::min() && S(b) == -1) return Trap::IntegerOverflow;
  out = T(S(a) / S(b));
  return Trap::None;
}
template <class T> constexpr Trap div_u(T a, T b, T& out) {
  if (b == 0) return Trap::IntegerDivideByZero;
  out = T(Unsigned<T>(a) / Unsigned<T>(b));
  return Trap::None;
}
// Signed remainder: MIN % -1 is 0, not a trap.
template <class T> constexpr Trap rem_s(T a, T b, T& out) {
  using S = Signed<T>;
  if (b == 0) return Trap::IntegerDivideByZero;
  out = S(b) == -1 ? T(0) : T(S(a) % S(b));
  return Trap::None;
}
template <class T> constexpr Trap rem_u(T a, T b, T& out) {
  if (b == 0) return Trap::IntegerDivideByZero;
  out = T(Unsigned<T>(a) % Unsigned<T>(b));
  return Trap::None;
}

// Sign extension of the low `Bits` bits (spec 4.3.2 iextend_s).
template <class T, unsigned Bits> constexpr T extend_s(T a) {
  using S = Signed<T>;
  constexpr unsigned shift = sizeof(T) * 8 - Bits;
  return T(S(Unsigned<T>(a) << shift) >> shift);
}

// ---- floats (spec 4.3.3) ----

template <class F> using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
template <class F> constexpr Bits<F> sign_bit() { return Bits<F>(1) << (sizeof(F) * 8 - 1); }

// abs, neg and copysign act on the sign bit only, so NaN payloads survive.
template <class F> inline F abs(F a) { return std::bit_cast<F>(Bits<F>(std::bit_cast<Bits<F>>(a) & ~sign_bit<F>())); }
template <class F> inline F neg(F a) { return std::bit_cast<F>(Bits<F>(std::bit_cast<Bits<F>>(a) ^ sign_bit<F>())); }
template <class F> inline F copysign(F a, F b) {
  return std::bit_cast<F>(Bits<F>((std::bit_cast<Bits<F>>(a) & ~sign_bit<F>()) | (std::bit_cast<Bits<F>>(b) & sign_bit<F>())));
}

// A quiet NaN from an operand (arithmetic NaN, spec 4.3.3): set the quiet bit.
template <class F> inline F quiet(F a) {
  constexpr Bits<F> quiet_bit = Bits<F>(1) << (std::numeric_limits<F>::digits - 2);
  return std::bit_cast<F>(Bits<F>(std::bit_cast<Bits<F>>(a) | quiet_bit));
}

// fmin/fmax: NaN if either operand is NaN; -0 < +0.
template <class F> inline F min(F a, F b) {
  if (std::isnan(a)) return quiet(a);
  if (std::isnan(b)) return quiet(b);
  if (a == b) return std::signbit(a) ? a : b;  // min(-0, +0) = -0
  return a < b ? a : b;
}
template <class F> inline F max(F a, F b) {
  if (std::isnan(a)) return quiet(a);
  if (std::isnan(b)) return quiet(b);
  if (a == b) return std::signbit(a) ? b : a;  // max(-0, +0) = +0
  return a > b ? a : b;
}

// Rounding to an integral value. A NaN input gives a quiet NaN (libm may
// return a signalling NaN unchanged; the spec wants an arithmetic NaN).
template <class F> inline F ceil(F a) { return std::isnan(a) ? quiet(a) : std::ceil(a); }
template <class F> inline F floor(F a) { return std::isnan(a) ? quiet(a) : std::floor(a); }
template <class F> inline F trunc(F a) { return std::isnan(a) ? quiet(a) : std::trunc(a); }
// Round half to even (the default IEEE rounding mode, which lvm never changes).
template <class F> inline F nearest(F a) { return std::isnan(a) ? quiet(a) : std::nearbyint(a); }
template <class F> inline F sqrt(F a) { return std::isnan(a) ? quiet(a) : std::sqrt(a); }

// ---- conversions (spec 4.3.4) ----

// Truncation of a float to an integer; traps on NaN (invalid conversion) and
// when the truncated value does not fit (integer overflow). The bounds are
// powers of two, exact in every float type involved.
template <class I, class F> inline Trap trunc(F a, I& out) {
  if (std::isnan(a)) return Trap::InvalidConversion;
  constexpr int n = sizeof(I) * 8;
  if constexpr (std::is_signed_v<I>) {
    constexpr F upper = F(Unsigned<I>(1) << (n - 1));  // 2^(n-1)
    constexpr F lower = -upper;
    // Fits iff -2^(n-1) - 1 < a < 2^(n-1). When -2^(n-1) - 1 is not
    // representable in F no float lies between it and -2^(n-1).
    constexpr bool below_representable = lower - F(1) != lower;
    bool fits = a < upper && (below_representable ? a > lower - F(1) : a >= lower);
    if (!fits) return Trap::IntegerOverflow;
  } else {
    constexpr F upper = F(2) * F(Unsigned<I>(1) << (n - 1));  // 2^n
    if (!(a > F(-1) && a < upper)) return Trap::IntegerOverflow;
  }
  out = I(a);
  return Trap::None;
}

// Saturating truncation (spec 4.3.4 trunc_sat): NaN -> 0, clamps.
template <class I, class F> inline I trunc_sat(F a) {
  if (std::isnan(a)) return 0;
  I out;
  if (trunc<I>(a, out) == Trap::None) return out;
  return a < F(0) ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
}

// Float to float: promote is exact; demote rounds to nearest. NaNs stay NaN
// (quieted), which the spec allows as arithmetic NaNs.
inline double promote(float a) { return std::isnan(a) ? double(quiet(a)) : double(a); }
inline float demote(double a) { return std::isnan(a) ? float(quiet(a)) : float(a); }

template <class To, class From> inline To reinterpret(From a) { return std::bit_cast<To>(a); }

}  // namespace lvm::num
