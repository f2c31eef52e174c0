// Tests for vm/numeric.h: the edge cases of WebAssembly's numeric semantics
// that every tier relies on.
#include "vm/numeric.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

using namespace lvm;
namespace num = lvm::num;

TEST_CASE("integer arithmetic wraps; shifts and rotates take the count modulo the width") {
  CHECK(num::add<int32_t>(INT32_MAX, 1) == INT32_MIN);
  CHECK(num::mul<int64_t>(INT64_MIN, -1) == INT64_MIN);
  CHECK(num::shl<int32_t>(1, 33) == 2);
  CHECK(num::shr_s<int32_t>(-8, 1) == -4);
  CHECK(num::shr_u<int32_t>(-8, 1) == 0x7FFFFFFC);
  CHECK(num::rotl<int32_t>(int32_t(0x80000001), 1) == 3);
  CHECK(num::rotr<int64_t>(1, 65) == INT64_MIN);
  CHECK(num::clz<int32_t>(0) == 32);
  CHECK(num::ctz<int64_t>(0) == 64);
  CHECK(num::popcnt<int32_t>(-1) == 32);
  CHECK(num::extend_s<int32_t, 8>(0x80) == -128);
  CHECK(num::extend_s<int64_t, 32>(0xFFFFFFFF) == -1);
}

TEST_CASE("division and remainder traps") {
  int32_t q = 0;
  CHECK(num::div_s<int32_t>(1, 0, q) == Trap::IntegerDivideByZero);
  CHECK(num::div_s<int32_t>(INT32_MIN, -1, q) == Trap::IntegerOverflow);
  CHECK(num::div_s<int32_t>(-7, 2, q) == Trap::None);
  CHECK(q == -3);
  CHECK(num::rem_s<int32_t>(INT32_MIN, -1, q) == Trap::None);
  CHECK(q == 0);
  CHECK(num::rem_s<int32_t>(-7, 2, q) == Trap::None);
  CHECK(q == -1);
  CHECK(num::div_u<int32_t>(-1, 2, q) == Trap::None);
  CHECK(q == 0x7FFFFFFF);
  int64_t r = 0;
  CHECK(num::rem_u<int64_t>(5, 0, r) == Trap::IntegerDivideByZero);
}

TEST_CASE("min/max: NaN propagates, -0 < +0") {
  CHECK(std::isnan(num::min(1.0f, std::numeric_limits<float>::quiet_NaN())));
  CHECK(std::isnan(num::max(std::numeric_limits<double>::quiet_NaN(), 1.0)));
  CHECK(std::signbit(num::min(0.0, -0.0)));
  CHECK(std::signbit(num::min(-0.0, 0.0)));
  CHECK_FALSE(std::signbit(num::max(-0.0f, 0.0f)));
  CHECK_FALSE(std::signbit(num::max(0.0f, -0.0f)));
  // A signalling NaN operand comes out quiet.
  float snan = std::bit_cast<float>(0x7FA00000u);
  CHECK((std::bit_cast<uint32_t>(num::min(snan, 1.0f)) & 0x00400000u) != 0);
}

TEST_CASE("abs, neg, copysign keep NaN payloads") {
  float nan = std::bit_cast<float>(0x7FA12345u);
  CHECK(std::bit_cast<uint32_t>(num::neg(nan)) == 0xFFA12345u);
  CHECK(std::bit_cast<uint32_t>(num::abs(num::neg(nan))) == 0x7FA12345u);
  CHECK(std::bit_cast<uint64_t>(num::copysign(1.0, -0.0)) == std::bit_cast<uint64_t>(-1.0));
}

TEST_CASE("nearest rounds half to even") {
  CHECK(num::nearest(2.5) == 2.0);
  CHECK(num::nearest(3.5) == 4.0);
  CHECK(num::nearest(-0.5f) == -0.0f);
  CHECK(std::signbit(num::nearest(-0.5f)));
}

TEST_CASE("truncation traps at exactly the spec's bounds") {
  int32_t i = 0;
  CHECK(num::trunc<int32_t>(2147483520.0f, i) == Trap::None);  // largest f32 below 2^31
  CHECK(num::trunc<int32_t>(2147483648.0f, i) == Trap::IntegerOverflow);
  CHECK(num::trunc<int32_t>(-2147483648.0f, i) == Trap::None);
  CHECK(i == INT32_MIN);
  CHECK(num::trunc<int32_t>(-2147483904.0f, i) == Trap::IntegerOverflow);
  CHECK(num::trunc<int32_t>(-2147483648.9, i) == Trap::None);  // truncates to INT32_MIN
  CHECK(i == INT32_MIN);
  CHECK(num::trunc<int32_t>(-2147483649.0, i) == Trap::IntegerOverflow);
  CHECK(num::trunc<int32_t>(std::numeric_limits<float>::quiet_NaN(), i) == Trap::InvalidConversion);
  uint32_t u = 0;
  CHECK(num::trunc<uint32_t>(-0.9, u) == Trap::None);
  CHECK(u == 0);
  CHECK(num::trunc<uint32_t>(-1.0, u) == Trap::IntegerOverflow);
  CHECK(num::trunc<uint32_t>(4294967295.0, u) == Trap::None);
  CHECK(u == 0xFFFFFFFFu);
  CHECK(num::trunc<uint32_t>(4294967296.0, u) == Trap::IntegerOverflow);
  int64_t l = 0;
  CHECK(num::trunc<int64_t>(-9223372036854775808.0, l) == Trap::None);
  CHECK(l == INT64_MIN);
  CHECK(num::trunc<int64_t>(9223372036854775808.0, l) == Trap::IntegerOverflow);
  uint64_t ul = 0;
  CHECK(num::trunc<uint64_t>(18446744073709549568.0, ul) == Trap::None);
  CHECK(num::trunc<uint64_t>(18446744073709551616.0, ul) == Trap::IntegerOverflow);
}

TEST_CASE("saturating truncation clamps and maps NaN to zero") {
  CHECK(num::trunc_sat<int32_t>(1e10f) == INT32_MAX);
  CHECK(num::trunc_sat<int32_t>(-1e10) == INT32_MIN);
  CHECK(num::trunc_sat<uint32_t>(-5.0) == 0u);
  CHECK(num::trunc_sat<uint64_t>(std::numeric_limits<double>::infinity()) == UINT64_MAX);
  CHECK(num::trunc_sat<int64_t>(std::numeric_limits<float>::quiet_NaN()) == 0);
}

TEST_CASE("conversions between float widths") {
  CHECK(num::demote(1e300) == std::numeric_limits<float>::infinity());
  CHECK(std::isnan(num::promote(std::numeric_limits<float>::quiet_NaN())));
  // u64 -> f32 rounds to nearest even, not by way of double
  CHECK(float(uint64_t(0x8000008000000001ull)) == 9223373136366403584.0f);
}

TEST_CASE("trap messages are the spec testsuite's") {
  CHECK(std::string(trap_message(Trap::IntegerDivideByZero)) == "integer divide by zero");
  CHECK(std::string(trap_message(Trap::MemoryOutOfBounds)) == "out of bounds memory access");
  CHECK(std::string(trap_message(Trap::IndirectCallTypeMismatch)) == "indirect call type mismatch");
}
