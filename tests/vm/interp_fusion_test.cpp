// Tests for the interpreter translator's fusions (vm/interp/translate*.cpp):
// each pattern is checked to be fused (by the translated code's listing)
// and to compute exactly what the unfused instructions would, including
// operand order for non-commutative operators and traps.
#include <doctest/doctest.h>

#include <bit>
#include <cstring>

#include "loader/loader.h"
#include "tests/support/wasm_builder.h"
#include "vm/instance.h"
#include "vm/interp/disasm.h"
#include "vm/interpreter.h"

using namespace lvm;
using namespace lvm::test;

namespace {

// A module with one page of memory and one function of type `type`.
struct Fixture {
  std::unique_ptr<Instance> inst;
  explicit Fixture(const Bytes& type, const Bytes& code, const Bytes& locals = {0x00}) {
    Bytes m = one_function(type, code, {section(5, vec({{0x00, 0x01}}))}, locals);
    auto loaded = load_module(m);
    REQUIRE(loaded.has_value());
    auto r = Instance::instantiate(*loaded, [](const Module&, const Import&) { return std::optional<Extern>(); });
    REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(r));
    inst = std::move(std::get<std::unique_ptr<Instance>>(r));
  }
  uint8_t* mem() { return inst->memory0()->base(); }
  std::string listing() { return interp::disassemble(inst->code->get(0)); }
  Trap call(std::initializer_list<uint64_t> args, uint64_t* result = nullptr) {
    std::vector<uint64_t> a(args);
    uint64_t r[2] = {0, 0};
    Trap t = invoke(*inst, 0, a.data(), r);
    if (result) *result = r[0];
    return t;
  }
  double f64_at(uint32_t addr) { double d; std::memcpy(&d, mem() + addr, 8); return d; }
  void set_f64(uint32_t addr, double d) { std::memcpy(mem() + addr, &d, 8); }
};

uint64_t bits(double d) { return std::bit_cast<uint64_t>(d); }

}  // namespace

TEST_CASE("x - mem[p] stored back to mem[p] becomes one read-modify-write") {
  // (func (param i32 f64) local.get 0  local.get 1  local.get 0 f64.load  f64.sub  f64.store)
  Fixture f(functype({I32, F64}, {}), {0x20, 0, 0x20, 1, 0x20, 0, 0x2B, 3, 0, 0xA1, 0x39, 3, 0, 0x0B});
  f.set_f64(8, 2.5);
  CHECK(f.call({8, bits(10.0)}) == Trap::None);
  CHECK(f.f64_at(8) == 7.5);  // 10 - 2.5, not 2.5 - 10
  CHECK(f.listing().find("F64SubRmw") != std::string::npos);
  CHECK(f.call({65535, bits(1.0)}) == Trap::MemoryOutOfBounds);
}

TEST_CASE("mem[p] - x is not fused out of operand order") {
  // (func (param i32 f64) local.get 0  local.get 0 f64.load  local.get 1  f64.sub  f64.store)
  Fixture f(functype({I32, F64}, {}), {0x20, 0, 0x20, 0, 0x2B, 3, 0, 0x20, 1, 0xA1, 0x39, 3, 0, 0x0B});
  f.set_f64(16, 2.5);
  CHECK(f.call({16, bits(10.0)}) == Trap::None);
  CHECK(f.f64_at(16) == -7.5);
  CHECK(f.listing().find("Rmw") == std::string::npos);
}

TEST_CASE("a load feeding a commutative operator from the left folds into it") {
  // (func (param i32 i32) (result i32) local.get 0 i32.load offset=4  local.get 1  i32.add)
  Fixture f(functype({I32, I32}, {I32}), {0x20, 0, 0x28, 2, 4, 0x20, 1, 0x6A, 0x0B});
  uint32_t v = 40;
  std::memcpy(f.mem() + 104, &v, 4);
  uint64_t r = 0;
  CHECK(f.call({100, 2}, &r) == Trap::None);
  CHECK(uint32_t(r) == 42);
  CHECK(f.listing().find("I32AddLoad") != std::string::npos);
  // The folded load still traps out of bounds (offset 4 takes it past the end).
  CHECK(f.call({65532, 2}, &r) == Trap::MemoryOutOfBounds);
}

TEST_CASE("a comparison feeding br_if becomes one compare-and-branch") {
  // (func (param i32) (result i32)
  //   (block (br_if 0 (i32.lt_s (local.get 0) (i32.const 10))) (return (i32.const 1)))
  //   (i32.const 2))
  Fixture f(functype({I32}, {I32}),
            {0x02, 0x40, 0x20, 0, 0x41, 10, 0x48, 0x0D, 0, 0x41, 1, 0x0F, 0x0B, 0x41, 2, 0x0B});
  uint64_t r = 0;
  CHECK(f.call({5}, &r) == Trap::None);
  CHECK(r == 2);
  CHECK(f.call({uint32_t(-20)}, &r) == Trap::None);
  CHECK(r == 2);
  CHECK(f.call({10}, &r) == Trap::None);
  CHECK(r == 1);
  CHECK(f.listing().find("BrIfI32LtSImm") != std::string::npos);
}

TEST_CASE("local.set of a computed value writes the local directly, preserving stacked reads") {
  // (func (param i32) (result i32)
  //   local.get 0            ;; the old value stays on the stack
  //   local.get 0 i32.const 1 i32.add local.set 0
  //   local.get 0 i32.add)   ;; old + new
  Fixture f(functype({I32}, {I32}), {0x20, 0, 0x20, 0, 0x41, 1, 0x6A, 0x21, 0, 0x20, 0, 0x6A, 0x0B});
  uint64_t r = 0;
  CHECK(f.call({20}, &r) == Trap::None);
  CHECK(r == 41);
}

TEST_CASE("an address add folded into a load keeps i32 wrap-around") {
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add i32.load8_u offset=2)
  Fixture f(functype({I32, I32}, {I32}), {0x20, 0, 0x20, 1, 0x6A, 0x2D, 0, 2, 0x0B});
  f.mem()[0x12] = 77;
  uint64_t r = 0;
  // 0xFFFFFFF0 + 0x20 wraps to 0x10; plus offset 2 reads 0x12.
  CHECK(f.call({0xFFFFFFF0u, 0x20}, &r) == Trap::None);
  CHECK(r == 77);
  CHECK(f.listing().find("I32Load8UAddR") != std::string::npos);
  // No wrap into bounds: 65535 + 0 + offset 2 is past the end.
  CHECK(f.call({65535, 0}, &r) == Trap::MemoryOutOfBounds);
}

TEST_CASE("an address add-immediate folded into a store keeps i32 wrap-around") {
  // (func (param i32) local.get 0 i32.const -4 i32.add i32.const 9 i32.store8)
  Fixture f(functype({I32}, {}), {0x20, 0, 0x41, 0x7C, 0x6A, 0x41, 9, 0x3A, 0, 0, 0x0B});
  CHECK(f.call({2}) == Trap::MemoryOutOfBounds);  // 2 - 4 wraps to 0xFFFFFFFE
  CHECK(f.call({104}) == Trap::None);
  CHECK(f.mem()[100] == 9);
  CHECK(f.listing().find("I32Store8AddI") != std::string::npos);
}

TEST_CASE("consecutive copies merge into one CopyMany, never across a branch target") {
  // (func (param i32 i32 i32) (result i32)
  //   local.get 1 local.set 0   local.get 2 local.set 1      ;; two copies: merged
  //   (block (br_if 0 (local.get 2))                          ;; a branch lands after the block
  //     local.get 0 local.set 2)                              ;; a copy inside the block
  //   local.get 1 local.set 0                                 ;; a copy at the landing point: not merged
  //   local.get 0 local.get 2 i32.add)
  Fixture f(functype({I32, I32, I32}, {I32}),
            {0x20, 1, 0x21, 0, 0x20, 2, 0x21, 1, 0x02, 0x40, 0x20, 2, 0x0D, 0, 0x20, 0, 0x21, 2, 0x0B,
             0x20, 1, 0x21, 0, 0x20, 0, 0x20, 2, 0x6A, 0x0B});
  uint64_t r = 0;
  // (a, b, c) = (1, 2, 0): a=2, b=0; c=0 so no branch: c=a=2; a=b=0; result 0+2.
  CHECK(f.call({1, 2, 0}, &r) == Trap::None);
  CHECK(r == 2);
  // (1, 2, 5): a=2, b=5; branch taken (c=5): a=b=5; result 5+5.
  CHECK(f.call({1, 2, 5}, &r) == Trap::None);
  CHECK(r == 10);
  const std::string listing = f.listing();
  CHECK(listing.find("CopyMany") != std::string::npos);
}

TEST_CASE("a product feeding an add becomes one multiply-add, wrapping like the two ops") {
  // (func (param i32 i32 i32) (result i32) local.get 2 local.get 0 local.get 1 i32.mul i32.add)
  Fixture f(functype({I32, I32, I32}, {I32}), {0x20, 2, 0x20, 0, 0x20, 1, 0x6C, 0x6A, 0x0B});
  uint64_t r = 0;
  CHECK(f.call({6, 7, 100}, &r) == Trap::None);
  CHECK(r == 142);
  CHECK(f.call({0x10000, 0x10001, 5}, &r) == Trap::None);  // product wraps to 0x10000
  CHECK(r == 0x10005);
  CHECK(f.listing().find("I32MulAdd") != std::string::npos);
}

TEST_CASE("a load whose address was folded still folds into a non-commutative op") {
  // (func (param i32 f64) (result f64) local.get 1  local.get 0 i32.const 8 i32.add f64.load  f64.sub)
  Fixture f(functype({I32, F64}, {F64}), {0x20, 1, 0x20, 0, 0x41, 8, 0x6A, 0x2B, 3, 0, 0xA1, 0x0B});
  f.set_f64(40, 1.5);
  uint64_t r = 0;
  CHECK(f.call({32, bits(10.0)}, &r) == Trap::None);
  CHECK(std::bit_cast<double>(r) == 8.5);
  CHECK(f.listing().find("F64SubLoadAddI") != std::string::npos);
  CHECK(f.call({65530, bits(1.0)}, &r) == Trap::MemoryOutOfBounds);
}

TEST_CASE("consecutive add-immediates into locals merge, never across a branch target") {
  // (func (param i32 i32) (result i32)
  //   local.get 0 i32.const 3 i32.add local.set 0      ;; a += 3
  //   local.get 1 i32.const 5 i32.add local.set 1      ;; b += 5   (merged with a += 3)
  //   (block (br_if 0 (local.get 1)) local.get 0 i32.const 1 i32.add local.set 0)
  //   local.get 1 i32.const -1 i32.add local.set 1     ;; at the landing point: not merged
  //   local.get 0 local.get 1 i32.sub)
  Fixture f(functype({I32, I32}, {I32}),
            {0x20, 0, 0x41, 3, 0x6A, 0x21, 0, 0x20, 1, 0x41, 5, 0x6A, 0x21, 1, 0x02, 0x40, 0x20, 1, 0x0D, 0,
             0x20, 0, 0x41, 1, 0x6A, 0x21, 0, 0x0B, 0x20, 1, 0x41, 0x7F, 0x6A, 0x21, 1, 0x20, 0, 0x20, 1, 0x6B,
             0x0B});
  uint64_t r = 0;
  CHECK(f.call({10, 0}, &r) == Trap::None);  // a=13, b=5 -> branch taken; b=4 -> 13-4
  CHECK(r == 9);
  CHECK(f.call({10, uint32_t(-5)}, &r) == Trap::None);  // b=0 -> no branch: a=14; b=-1 -> 15
  CHECK(r == 15);
  CHECK(f.listing().find("I32AddImmMany") != std::string::npos);
}

TEST_CASE("a shift or rotate by a constant folds into the add/xor/or/and that uses it") {
  // (func (param i32 i32) (result i32)
  //   local.get 0  local.get 1 i32.const 8 i32.rotr  i32.xor      ;; a ^ rotr(b, 8)
  //   local.get 1 i32.const 4 i32.shr_s  i32.add)                 ;; ... + (b >> 4), shifted on the left
  Fixture f(functype({I32, I32}, {I32}),
            {0x20, 0, 0x20, 1, 0x41, 8, 0x78, 0x73, 0x20, 1, 0x41, 4, 0x75, 0x6A, 0x0B});
  uint64_t r = 0;
  const uint32_t a = 0x12345678, b = 0x800000F0;
  CHECK(f.call({a, b}, &r) == Trap::None);
  const uint32_t rotr = (b >> 8) | (b << 24);
  const uint32_t expect = (a ^ rotr) + uint32_t(int32_t(b) >> 4);
  CHECK(uint32_t(r) == expect);
  const std::string listing = f.listing();
  CHECK(listing.find("I32XorWithI32Rotr") != std::string::npos);
  CHECK(listing.find("I32AddWithI32ShrS") != std::string::npos);
}

TEST_CASE("a product feeding an f64 add/sub/mul fuses with both roundings kept") {
  // (func (param f64 f64 f64) (result f64) local.get 0  local.get 1 local.get 2 f64.mul  f64.sub)
  Fixture f(functype({F64, F64, F64}, {F64}), {0x20, 0, 0x20, 1, 0x20, 2, 0xA2, 0xA1, 0x0B});
  uint64_t r = 0;
  // With a fused multiply-add, 1 - (1+2^-52)(1-2^-52) would be -2^-104; with
  // the product rounded first (as wasm requires) it is exactly 0.
  const double x = 1.0 + 0x1p-52, y = 1.0 - 0x1p-52;
  CHECK(f.call({bits(1.0), bits(x), bits(y)}, &r) == Trap::None);
  CHECK(std::bit_cast<double>(r) == 1.0 - x * y);
  CHECK(std::bit_cast<double>(r) == 0.0);
  CHECK(f.listing().find("F64SubMul") != std::string::npos);
  // Product on the left: x*y - c.
  Fixture g(functype({F64, F64, F64}, {F64}), {0x20, 1, 0x20, 2, 0xA2, 0x20, 0, 0xA1, 0x0B});
  CHECK(g.call({bits(0.5), bits(3.0), bits(4.0)}, &r) == Trap::None);
  CHECK(std::bit_cast<double>(r) == 11.5);
  CHECK(g.listing().find("F64MulSub") != std::string::npos);
}

TEST_CASE("stores of constants carry the value in the instruction") {
  // (func (param i32)
  //   local.get 0 i64.const 0x1122334455667788 i64.store
  //   local.get 0 f32.const 1.5 f32.store offset=8
  //   local.get 0 local.get 0 i32.add i32.const 0x1FF i32.store8 offset=1)
  Bytes code = cat({{0x20, 0, 0x42}, sleb(0x1122334455667788), {0x37, 3, 0},
                    {0x20, 0, 0x43, 0x00, 0x00, 0xC0, 0x3F, 0x38, 2, 8},
                    {0x20, 0, 0x20, 0, 0x6A, 0x41}, sleb(0x1FF), {0x3A, 0, 1, 0x0B}});
  Fixture f(functype({I32}, {}), code);
  CHECK(f.call({100}) == Trap::None);
  uint64_t v64;
  std::memcpy(&v64, f.mem() + 100, 8);
  CHECK(v64 == 0x1122334455667788ull);
  float v32;
  std::memcpy(&v32, f.mem() + 108, 4);
  CHECK(v32 == 1.5f);
  CHECK(f.mem()[201] == 0xFF);  // truncated to 8 bits, at 100+100+1
  const std::string listing = f.listing();
  CHECK(listing.find("I64StoreImm") != std::string::npos);
  CHECK(listing.find("F32StoreImm") != std::string::npos);
  CHECK(listing.find("I32Store8AddRImm") != std::string::npos);
  CHECK(f.call({65530}) == Trap::MemoryOutOfBounds);
}

TEST_CASE("an 8/16-bit load folds into the i32 operator using it, extended as the load would") {
  // (func (param i32 i32) (result i32)
  //   local.get 1  local.get 0 i32.load16_s  i32.mul      ;; b * sext16(mem[a])
  //   local.get 0 i32.load8_u offset=2  i32.sub)          ;; ... - zext8(mem[a+2])
  Fixture f(functype({I32, I32}, {I32}),
            {0x20, 1, 0x20, 0, 0x2E, 1, 0, 0x6C, 0x20, 0, 0x2D, 0, 2, 0x6B, 0x0B});
  const int16_t v = -300;
  std::memcpy(f.mem() + 40, &v, 2);
  f.mem()[42] = 0xF0;
  uint64_t r = 0;
  CHECK(f.call({40, 3}, &r) == Trap::None);
  CHECK(int32_t(r) == 3 * -300 - 0xF0);
  const std::string listing = f.listing();
  CHECK(listing.find("I32MulWithI32Load16S") != std::string::npos);
  CHECK(f.call({65535, 3}, &r) == Trap::MemoryOutOfBounds);
}

TEST_CASE("an i32 add/xor/and/or of another such operation fuses into one handler") {
  // (func (param i32 i32 i32) (result i32)
  //   local.get 0  local.get 1 local.get 2 i32.and  i32.add   ;; a + (b & c)
  //   local.get 1 local.get 2 i32.xor  local.get 0  i32.or   ;; ... | ((b ^ c) | a), inner on the left
  //   i32.xor)
  Fixture f(functype({I32, I32, I32}, {I32}),
            {0x20, 0, 0x20, 1, 0x20, 2, 0x71, 0x6A, 0x20, 1, 0x20, 2, 0x73, 0x20, 0, 0x72, 0x73, 0x0B});
  uint64_t r = 0;
  const uint32_t a = 0x0F0F1234, b = 0xFF00FF00, c = 0x12345678;
  CHECK(f.call({a, b, c}, &r) == Trap::None);
  CHECK(uint32_t(r) == ((a + (b & c)) ^ ((b ^ c) | a)));
  const std::string listing = f.listing();
  CHECK(listing.find("I32AddOfI32And") != std::string::npos);
  CHECK(listing.find("I32OrOfI32Xor") != std::string::npos);
}

TEST_CASE("a shift right then a constant mask becomes one bit-field extraction") {
  // (func (param i32) (result i32) local.get 0 i32.const 28 i32.shr_u i32.const 6 i32.and)
  Fixture f(functype({I32}, {I32}), {0x20, 0, 0x41, 28, 0x76, 0x41, 6, 0x71, 0x0B});
  uint64_t r = 0;
  CHECK(f.call({0xD0000000u}, &r) == Trap::None);  // 0xD >> 0 = 13, & 6 = 4
  CHECK(r == 4);
  CHECK(f.listing().find("I32ShrUAndImm") != std::string::npos);
}

TEST_CASE("consecutive constants into slots merge into one ConstMany, never across a branch target") {
  // (func (param i32 i32 i32) (result i32)
  //   i32.const 5 local.set 0   i32.const 7 local.set 1     ;; merged
  //   (block (br_if 0 (local.get 2)) i32.const 1 local.set 0) ;; a branch lands after the block
  //   i32.const 100 local.set 2                              ;; at the landing point: not merged
  //   local.get 0 local.get 1 i32.sub local.get 2 i32.add)
  Fixture f(functype({I32, I32, I32}, {I32}),
            cat({{0x41}, sleb(5), {0x21, 0, 0x41}, sleb(7), {0x21, 1, 0x02, 0x40, 0x20, 2, 0x0D, 0, 0x41}, sleb(1),
                 {0x21, 0, 0x0B, 0x41}, sleb(100), {0x21, 2, 0x20, 0, 0x20, 1, 0x6B, 0x20, 2, 0x6A, 0x0B}}));
  uint64_t r = 0;
  CHECK(f.call({0, 0, 0}, &r) == Trap::None);  // no branch: a = 1; 1 - 7 + 100
  CHECK(uint32_t(r) == 94);
  CHECK(f.call({0, 0, 1}, &r) == Trap::None);  // branch: a stays 5; 5 - 7 + 100
  CHECK(uint32_t(r) == 98);
  const std::string listing = f.listing();
  CHECK(listing.find("ConstMany") != std::string::npos);
  CHECK(listing.find("Const32 ") != std::string::npos);  // the one at the landing point stands alone
}

TEST_CASE("shifting left then right by the same amount becomes a sign extension") {
  // (func (param i32) (result i32) local.get 0 i32.const 16 i32.shl i32.const 16 i32.shr_s)
  Fixture f16(functype({I32}, {I32}), {0x20, 0, 0x41, 16, 0x74, 0x41, 16, 0x75, 0x0B});
  uint64_t r = 0;
  CHECK(f16.call({0x12348000u}, &r) == Trap::None);
  CHECK(uint32_t(r) == 0xFFFF8000u);
  CHECK(f16.call({0x12347FFFu}, &r) == Trap::None);
  CHECK(uint32_t(r) == 0x7FFFu);
  CHECK(f16.listing().find("i32.extend16_s") != std::string::npos);
  CHECK(f16.listing().find("I32ShlImm") == std::string::npos);

  // shl 56 (encoded as 120: shift counts are taken modulo 32) then shr_s 24: an 8-bit extension.
  Fixture f8(functype({I32}, {I32}), {0x20, 0, 0x41, 0xF8, 0x00, 0x74, 0x41, 24, 0x75, 0x0B});
  CHECK(f8.call({0x1234FF80u}, &r) == Trap::None);
  CHECK(uint32_t(r) == 0xFFFFFF80u);
  CHECK(f8.listing().find("i32.extend8_s") != std::string::npos);

  // Different amounts are not an extension: (x << 16) >> 8.
  Fixture fx(functype({I32}, {I32}), {0x20, 0, 0x41, 16, 0x74, 0x41, 8, 0x75, 0x0B});
  CHECK(fx.call({0x00008001u}, &r) == Trap::None);
  CHECK(uint32_t(r) == 0xFF800100u);
  CHECK(fx.listing().find("extend") == std::string::npos);

  // i64: (x << 32) >> 32 is i64.extend32_s.
  Fixture f64(functype({I64}, {I64}), {0x20, 0, 0x42, 32, 0x86, 0x42, 32, 0x87, 0x0B});
  CHECK(f64.call({0x1234567880000000ull}, &r) == Trap::None);
  CHECK(r == 0xFFFFFFFF80000000ull);
  CHECK(f64.listing().find("i64.extend32_s") != std::string::npos);
}

TEST_CASE("a count-down local.tee feeding br_if becomes one add-and-branch") {
  // (func (param i32) (result i32) (local i32)
  //   (loop $l
  //     local.get 1 i32.const 3 i32.add local.set 1           ;; acc += 3
  //     (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
  //   (if (local.tee 0 (i32.add (local.get 0) (i32.const 7)))   ;; param is 0 here: 7, true
  //     (then local.get 1 i32.const 100 i32.add local.set 1))
  //   local.get 1 local.get 0 i32.add)
  Fixture f(functype({I32}, {I32}),
            {0x03, 0x40, 0x20, 1, 0x41, 3, 0x6A, 0x21, 1, 0x20, 0, 0x41, 0x7F, 0x6A, 0x22, 0, 0x0D, 0, 0x0B,
             0x20, 0, 0x41, 7, 0x6A, 0x22, 0, 0x04, 0x40, 0x20, 1, 0x41, 0xE4, 0x00, 0x6A, 0x21, 1, 0x0B,
             0x20, 1, 0x20, 0, 0x6A, 0x0B},
            {0x01, 0x01, I32});
  uint64_t r = 0;
  CHECK(f.call({4}, &r) == Trap::None);  // 4 iterations: acc 12; then param 7, acc 112
  CHECK(uint32_t(r) == 119);
  const std::string listing = f.listing();
  CHECK(listing.find("I32AddImmBrNz") != std::string::npos);
  CHECK(listing.find("I32AddImmBrZ") != std::string::npos);  // the if skips its body when the sum is 0
}

TEST_CASE("a zero stored to a local before anything wrote it is dropped, but never after a loop starts") {
  // (func (param i32) (result i32) (local i32 i32)
  //   i32.const 0 local.set 1                 ;; acc = 0: dropped (locals start at zero)
  //   i32.const 5 local.set 2                 ;; x = 5
  //   i32.const 0 local.set 2 i32.const 5 local.set 2   ;; x = 0 after a write: kept (then 5 again)
  //   (loop $l
  //     local.get 1 local.get 2 i32.add local.set 1     ;; acc += x
  //     i32.const 0 local.set 2                         ;; x = 0 inside the loop: kept
  //     (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
  //   local.get 1)
  Fixture f(functype({I32}, {I32}),
            {0x41, 0, 0x21, 1, 0x41, 5, 0x21, 2, 0x41, 0, 0x21, 2, 0x41, 5, 0x21, 2, 0x03, 0x40, 0x20, 1, 0x20,
             2, 0x6A, 0x21, 1, 0x41, 0, 0x21, 2, 0x20, 0, 0x41, 0x7F, 0x6A, 0x22, 0, 0x0D, 0, 0x0B, 0x20, 1,
             0x0B},
            {0x01, 0x02, I32});
  uint64_t r = 0;
  CHECK(f.call({3}, &r) == Trap::None);  // x is added once, then zero
  CHECK(uint32_t(r) == 5);
  CHECK(f.call({1}, &r) == Trap::None);  // the dropped zero must hold on a second call too
  CHECK(uint32_t(r) == 5);
  const std::string listing = f.listing();
  CHECK(listing.find(" 1 0\n") == std::string::npos);  // no constant into slot 1
}

TEST_CASE("a comparison feeding an if becomes one compare-and-branch on the negated comparison") {
  // (func (param i32 i32) (result i32)
  //   (if (result i32) (i32.lt_s (local.get 0) (local.get 1)) (then i32.const 1) (else i32.const 2)))
  Fixture f(functype({I32, I32}, {I32}),
            {0x20, 0, 0x20, 1, 0x48, 0x04, I32, 0x41, 1, 0x05, 0x41, 2, 0x0B, 0x0B});
  uint64_t r = 0;
  CHECK(f.call({1, 2}, &r) == Trap::None);
  CHECK(uint32_t(r) == 1);
  CHECK(f.call({2, 1}, &r) == Trap::None);
  CHECK(uint32_t(r) == 2);
  CHECK(f.call({uint32_t(-1), 0}, &r) == Trap::None);  // signed
  CHECK(uint32_t(r) == 1);
  CHECK(f.listing().find("BrIfI32GeS") != std::string::npos);  // skips the then-branch when not less
}

TEST_CASE("c[j] += x * b[j] becomes one multiply-accumulate into memory, both roundings kept") {
  // (func (param i32 i32 f64)   ;; p, q, x: mem[p] += x * mem[q]
  //   local.get 0  local.get 2 local.get 1 f64.load f64.mul  local.get 0 f64.load  f64.add  f64.store)
  Fixture f(functype({I32, I32, F64}, {}),
            {0x20, 0, 0x20, 2, 0x20, 1, 0x2B, 3, 0, 0xA2, 0x20, 0, 0x2B, 3, 0, 0xA0, 0x39, 3, 0, 0x0B});
  CHECK(f.listing().find("F64MulLoadAddRmw") != std::string::npos);
  // (1+2^-30)^2 rounds to 1+2^-29 before the sum, which is then exactly 0
  // (a fused multiply-add would give 2^-60).
  const double x = 1.0 + 0x1p-30;
  f.set_f64(8, x);
  f.set_f64(16, -(1.0 + 0x1p-29));
  CHECK(f.call({16, 8, bits(x)}) == Trap::None);
  CHECK(f.f64_at(16) == 0.0);
  f.set_f64(16, 1.5);
  CHECK(f.call({16, 8, bits(2.0)}) == Trap::None);
  CHECK(f.f64_at(16) == 1.5 + 2.0 * x);
  // Either address out of bounds traps, and memory is left as it was.
  CHECK(f.call({65536 - 4, 8, bits(1.0)}) == Trap::MemoryOutOfBounds);
  CHECK(f.call({16, 65536 - 4, bits(1.0)}) == Trap::MemoryOutOfBounds);
  CHECK(f.f64_at(16) == 1.5 + 2.0 * x);

  // The product's load at q + 8 (an add-immediate folded into it).
  // (func (param i32 i32 f64) local.get 0  local.get 2 local.get 1 i32.const 8 i32.add f64.load f64.mul
  //   local.get 0 f64.load  f64.add  f64.store)
  Fixture g(functype({I32, I32, F64}, {}),
            {0x20, 0, 0x20, 2, 0x20, 1, 0x41, 8, 0x6A, 0x2B, 3, 0, 0xA2, 0x20, 0, 0x2B, 3, 0, 0xA0, 0x39, 3, 0, 0x0B});
  CHECK(g.listing().find("F64MulLoadAddIAddRmw") != std::string::npos);
  g.set_f64(24, 3.0);
  g.set_f64(40, 1.0);
  CHECK(g.call({40, 16, bits(0.5)}) == Trap::None);  // mem[40] += 0.5 * mem[24]
  CHECK(g.f64_at(40) == 2.5);
}

TEST_CASE("a xor of three rotations of one value (SHA-2's sigma functions) and the add using it fuse") {
  auto sigma = [](uint8_t last_op, uint8_t k2, uint8_t third_operand) {
    // (func (param i32 i32) (result i32)
    //   local.get 1
    //   local.get 0 i32.const 30 i32.rotl  local.get 0 i32.const 19 i32.rotl  i32.xor
    //   local.get <third_operand> i32.const k2 <last_op>  i32.xor
    //   i32.add)
    return Bytes{0x20, 1, 0x20, 0, 0x41, 30, 0x77, 0x20, 0, 0x41, 19, 0x77, 0x73,
                 0x20, third_operand, 0x41, k2, last_op, 0x73, 0x6A, 0x0B};
  };
  const uint32_t x = 0x9E3779B9u, a = 0x01234567u;
  uint64_t r = 0;

  Fixture rot(functype({I32, I32}, {I32}), sigma(0x77, 10, 0));  // ... ^ rotl(x, 10)
  CHECK(rot.call({x, a}, &r) == Trap::None);
  CHECK(uint32_t(r) == a + (std::rotl(x, 30) ^ std::rotl(x, 19) ^ std::rotl(x, 10)));
  CHECK(rot.listing().find("I32AddOfXorRotlRotlRotl") != std::string::npos);

  Fixture shr(functype({I32, I32}, {I32}), sigma(0x76, 3, 0));  // ... ^ (x >> 3)
  CHECK(shr.call({x, a}, &r) == Trap::None);
  CHECK(uint32_t(r) == a + (std::rotl(x, 30) ^ std::rotl(x, 19) ^ (x >> 3)));
  CHECK(shr.listing().find("I32AddOfXorRotlRotlShrU") != std::string::npos);

  // The third rotation is of another value: only the first two fuse.
  Fixture other(functype({I32, I32}, {I32}), sigma(0x77, 10, 1));
  CHECK(other.call({x, a}, &r) == Trap::None);
  CHECK(uint32_t(r) == a + (std::rotl(x, 30) ^ std::rotl(x, 19) ^ std::rotl(a, 10)));
  CHECK(other.listing().find("I32XorRotlRotl ") != std::string::npos);
  CHECK(other.listing().find("RotlRotlRotl") == std::string::npos);
}

TEST_CASE("mem[p] -= x * y moves the load after the product and becomes one reverse-subtract into memory") {
  // (func (param i32 f64 f64)  local.get 0  local.get 0 f64.load  local.get 1 local.get 2 f64.mul  f64.sub
  //   f64.store)
  Fixture f(functype({I32, F64, F64}, {}),
            {0x20, 0, 0x20, 0, 0x2B, 3, 0, 0x20, 1, 0x20, 2, 0xA2, 0xA1, 0x39, 3, 0, 0x0B});
  CHECK(f.listing().find("F64RSubRmw") != std::string::npos);
  f.set_f64(32, 10.0);
  CHECK(f.call({32, bits(2.0), bits(1.25)}) == Trap::None);
  CHECK(f.f64_at(32) == 7.5);  // 10 - 2.5, not 2.5 - 10
  CHECK(f.call({65536 - 4, bits(1.0), bits(1.0)}) == Trap::MemoryOutOfBounds);

  // Without the store back, the load still moves: mem[p] - x * y as a value.
  // (func (param i32 f64 f64) (result f64) local.get 0 f64.load local.get 1 local.get 2 f64.mul f64.sub)
  Fixture g(functype({I32, F64, F64}, {F64}), {0x20, 0, 0x2B, 3, 0, 0x20, 1, 0x20, 2, 0xA2, 0xA1, 0x0B});
  CHECK(g.listing().find("F64RSubLoad") != std::string::npos);
  g.set_f64(8, 1.0);
  uint64_t r = 0;
  CHECK(g.call({8, bits(0.5), bits(4.0)}, &r) == Trap::None);
  CHECK(std::bit_cast<double>(r) == -1.0);
}

TEST_CASE("a loop's add-immediates and its closing br_if (i != n) become one instruction, never across a landing point") {
  // (func (param i32) (result i32) (local i32)
  //   (loop $l  local.get 1 i32.const 1 i32.add local.set 1
  //             (br_if $l (i32.ne (local.get 1) (local.get 0))))
  //   local.get 1)
  Fixture reg(functype({I32}, {I32}),
              {0x03, 0x40, 0x20, 1, 0x41, 1, 0x6A, 0x21, 1, 0x20, 1, 0x20, 0, 0x47, 0x0D, 0, 0x0B, 0x20, 1, 0x0B},
              {0x01, 0x01, I32});
  uint64_t r = 0;
  CHECK(reg.call({5}, &r) == Trap::None);
  CHECK(uint32_t(r) == 5);
  CHECK(reg.listing().find("I32AddImmBrIfNe ") != std::string::npos);

  // Against a constant: ... (br_if $l (i32.ne (local.get 1) (i32.const 7)))
  Fixture imm(functype({I32}, {I32}),
              {0x03, 0x40, 0x20, 1, 0x41, 1, 0x6A, 0x21, 1, 0x20, 1, 0x41, 7, 0x47, 0x0D, 0, 0x0B, 0x20, 1, 0x0B},
              {0x01, 0x01, I32});
  CHECK(imm.call({0}, &r) == Trap::None);
  CHECK(uint32_t(r) == 7);
  CHECK(imm.listing().find("I32AddImmBrIfNeImm") != std::string::npos);

  // Two adds (a counter and a pointer): the run's form.
  // (func (param i32) (result i32) (local i32 i32)
  //   (loop $l  local.get 1 i32.const 1 i32.add local.set 1  local.get 2 i32.const 8 i32.add local.set 2
  //             (br_if $l (i32.ne (local.get 1) (local.get 0))))
  //   local.get 2)
  Fixture many(functype({I32}, {I32}),
               {0x03, 0x40, 0x20, 1, 0x41, 1, 0x6A, 0x21, 1, 0x20, 2, 0x41, 8, 0x6A, 0x21, 2, 0x20, 1, 0x20, 0, 0x47,
                0x0D, 0, 0x0B, 0x20, 2, 0x0B},
               {0x01, 0x02, I32});
  CHECK(many.call({6}, &r) == Trap::None);
  CHECK(uint32_t(r) == 48);
  CHECK(many.listing().find("I32AddImmManyBrIfNe ") != std::string::npos);

  // A branch lands between the add and the comparison: they stay apart.
  // (func (param i32 i32) (result i32) (local i32)
  //   (block (br_if 0 (local.get 1)) local.get 2 i32.const 1 i32.add local.set 2)
  //   (block (br_if 0 (i32.ne (local.get 2) (local.get 0))) i32.const 100 return)
  //   local.get 2)
  Fixture landing(functype({I32, I32}, {I32}),
                  {0x02, 0x40, 0x20, 1, 0x0D, 0, 0x20, 2, 0x41, 1, 0x6A, 0x21, 2, 0x0B, 0x02, 0x40, 0x20, 2, 0x20,
                   0, 0x47, 0x0D, 0, 0x41, 0xE4, 0x00, 0x0F, 0x0B, 0x20, 2, 0x0B},
                  {0x01, 0x01, I32});
  CHECK(landing.call({1, 0}, &r) == Trap::None);  // i = 1 == n: 100
  CHECK(uint32_t(r) == 100);
  CHECK(landing.call({1, 1}, &r) == Trap::None);  // the increment skipped: i = 0 != 1
  CHECK(uint32_t(r) == 0);
  CHECK(landing.listing().find("BrIfNe") == std::string::npos);
}

TEST_CASE("loads and stores at a constant address fold it in, and still trap out of bounds") {
  // (func (param i32) (result i32)
  //   i32.const 16 local.get 0 i32.store offset=4     ;; mem[20] = x
  //   i32.const 0 i32.load offset=20 i32.const 1 i32.add)
  Fixture f(functype({I32}, {I32}),
            {0x41, 16, 0x20, 0, 0x36, 2, 4, 0x41, 0, 0x28, 2, 20, 0x41, 1, 0x6A, 0x0B});
  uint64_t r = 0;
  CHECK(f.call({41}, &r) == Trap::None);
  CHECK(uint32_t(r) == 42);
  uint32_t stored;
  std::memcpy(&stored, f.mem() + 20, 4);
  CHECK(stored == 41);
  const std::string listing = f.listing();
  CHECK(listing.find("I32StoreAbs") != std::string::npos);
  CHECK(listing.find("I32LoadAbs") != std::string::npos);
  CHECK(listing.find("Const32") == std::string::npos);  // no address is materialized

  // The last bytes of the page are in bounds; one further is not.
  // (func (param i32) (result i32) i32.const 65532 i32.load)  and  i32.const 65533
  Fixture edge(functype({I32}, {I32}), cat({{0x41}, sleb(65532), {0x28, 2, 0, 0x0B}}));
  CHECK(edge.call({0}, &r) == Trap::None);
  Fixture over(functype({I32}, {I32}), cat({{0x41}, sleb(65533), {0x28, 2, 0, 0x0B}}));
  CHECK(over.call({0}, &r) == Trap::MemoryOutOfBounds);
  CHECK(over.listing().find("I32LoadAbs") != std::string::npos);
  // (func (param i32) i32.const 65535 local.get 0 i32.store8 offset=1): a store too.
  Fixture store_over(functype({I32}, {}), cat({{0x41}, sleb(65535), {0x20, 0, 0x3A, 0, 1, 0x0B}}));
  CHECK(store_over.call({7}) == Trap::MemoryOutOfBounds);
  // An address and offset beyond 2^32 keep their form (and trap).
  // (func (param i32) (result i32) i32.const -1 i32.load offset=8)
  Fixture wrap(functype({I32}, {I32}), cat({{0x41}, sleb(-1), {0x28, 2, 8, 0x0B}}));
  CHECK(wrap.call({0}, &r) == Trap::MemoryOutOfBounds);
  CHECK(wrap.listing().find("I32LoadAbs") == std::string::npos);
}

TEST_CASE("a run of constants keeps only the last one into each slot") {
  // (func (result i32) (local i32 i32)
  //   i32.const 1 local.set 0  i32.const 2 local.set 1  i32.const 3 local.set 0  i32.const 9 local.set 1
  //   local.get 0 i32.const 10 i32.mul local.get 1 i32.add)
  Fixture f(functype({}, {I32}),
            {0x41, 1, 0x21, 0, 0x41, 2, 0x21, 1, 0x41, 3, 0x21, 0, 0x41, 9, 0x21, 1, 0x20, 0, 0x41, 10, 0x6C, 0x20, 1,
             0x6A, 0x0B},
            {0x01, 0x02, I32});
  uint64_t r = 0;
  CHECK(f.call({}, &r) == Trap::None);
  CHECK(uint32_t(r) == 39);
  const std::string listing = f.listing();
  CHECK(listing.find("ConstMany              2 ") != std::string::npos);  // two entries, not four

  // A lone constant overwritten at once is dropped.
  // (func (result i32) (local i32) i32.const 1 local.set 0 i32.const 3 local.set 0 local.get 0)
  Fixture g(functype({}, {I32}), {0x41, 1, 0x21, 0, 0x41, 3, 0x21, 0, 0x20, 0, 0x0B}, {0x01, 0x01, I32});
  CHECK(g.call({}, &r) == Trap::None);
  CHECK(uint32_t(r) == 3);
  CHECK(g.listing().find("ConstMany") == std::string::npos);
  CHECK(g.listing().find("Const32                0 1\n") == std::string::npos);
}

TEST_CASE("64-bit constants join a ConstMany run whole; alone, extended 32-bit values take a Const32") {
  // (func (result i64) (local i64 i64 i64 i64)
  //   i64.const -1 local.set 0  i64.const 0xFFFFFFFF local.set 1  i64.const -2^31 local.set 2
  //   i64.const 0x123456789 local.set 3
  //   local.get 0 local.get 1 i64.xor local.get 2 i64.xor local.get 3 i64.xor)
  Fixture f(functype({}, {I64}),
            cat({{0x42}, sleb(-1), {0x21, 0, 0x42}, sleb(0xFFFFFFFFll), {0x21, 1, 0x42}, sleb(-2147483648ll),
                 {0x21, 2, 0x42}, sleb(0x123456789ll),
                 {0x21, 3, 0x20, 0, 0x20, 1, 0x85, 0x20, 2, 0x85, 0x20, 3, 0x85, 0x0B}}),
            {0x01, 0x04, I64});
  uint64_t r = 0;
  CHECK(f.call({}, &r) == Trap::None);
  CHECK(r == (~uint64_t(0) ^ 0xFFFFFFFFull ^ 0xFFFFFFFF80000000ull ^ 0x123456789ull));
  const std::string listing = f.listing();
  CHECK(listing.find("ConstMany") != std::string::npos);
  CHECK(listing.find("Const64") == std::string::npos);

  // Alone: a sign-extended value is a flagged Const32, others a Const64.
  // (func (result i64) (local i64) i64.const -5 local.set 0 local.get 0)
  Fixture neg(functype({}, {I64}), cat({{0x42}, sleb(-5), {0x21, 0, 0x20, 0, 0x0B}}), {0x01, 0x01, I64});
  CHECK(neg.call({}, &r) == Trap::None);
  CHECK(r == uint64_t(-5));
  CHECK(neg.listing().find("Const32 ") != std::string::npos);
  // (func (result i64) (local i64) i64.const 0x100000000 local.set 0 local.get 0)
  Fixture g(functype({}, {I64}), cat({{0x42}, sleb(0x100000000ll), {0x21, 0, 0x20, 0, 0x0B}}), {0x01, 0x01, I64});
  CHECK(g.call({}, &r) == Trap::None);
  CHECK(r == 0x100000000ull);
  CHECK(g.listing().find("Const64") != std::string::npos);
}
