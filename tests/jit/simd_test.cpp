// Tests for the JIT's SIMD (jit/compile_simd.cpp, jit/x64/simd_x64.cpp)
// against the interpreter, bit for bit. The regression of the first
// fuzz-diff finding with SIMD (2026-12-07): f32x4.add of two NaNs gave the
// second operand's NaN in the interpreter (its C++ compiler swapped the
// operands) and the first in the JIT (addps); vm/simd.h now fixes the
// first, as x86 does.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <variant>

#include "jit/compiler.h"
#include "jit/jit.h"
#include "loader/loader.h"
#include "tests/support/wasm_builder.h"
#include "vm/interp/exec_state.h"
#include "vm/interpreter.h"
#include "vm/module_image.h"

using namespace lvm;
using namespace lvm::test;

namespace {
constexpr uint8_t V128 = 0x7B;

// (func (param v128 v128) (result v128) local.get 0 local.get 1 <op>), op = 0xFD `code`.
std::unique_ptr<Instance> binary_op(uint32_t code, std::shared_ptr<const ModuleImage>& keep) {
  Bytes body_code = cat({{0x20, 0, 0x20, 1, 0xFD}, leb(code), {0x0B}});
  Bytes m = module({section(1, vec({functype({V128, V128}, {V128})})), section(3, vec({leb(0)})),
                    section(10, vec({body(body_code)}))});
  auto loaded = load_module(m);
  REQUIRE(loaded.has_value());
  auto built = ModuleImage::build(*loaded, nullptr);
  REQUIRE(std::holds_alternative<std::shared_ptr<const ModuleImage>>(built));
  keep = std::get<std::shared_ptr<const ModuleImage>>(built);
  auto made = keep->instantiate({});
  REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(made));
  return std::move(std::get<std::unique_ptr<Instance>>(made));
}

uint64_t bits32(uint32_t lo, uint32_t hi) { return uint64_t(hi) << 32 | lo; }
}  // namespace

TEST_CASE("float lane arithmetic on NaNs gives the same bits in both tiers: the first NaN operand, quieted") {
  if (!jit::available()) return;
  // a: a signalling NaN, a quiet NaN with a payload, a number, a NaN;
  // b: NaNs in every lane (so lane 2 takes b's).
  const uint64_t a[2] = {bits32(0x7F800001, 0xFFFFFF81), bits32(0x3F800000, 0x7FC00ABC)};
  const uint64_t b[2] = {bits32(0x7FC00002, 0xFFFFFFCC), bits32(0xFFFFFF8A, 0x7F800003)};
  const uint64_t a64[2] = {0x7FF0000000000001ull, 0x3FF0000000000000ull};
  const uint64_t b64[2] = {0xFFF8000000000ABCull, 0x7FF0000000000002ull};
  struct Case {
    uint32_t code;
    bool f64;
  };
  for (Case k : {Case{0xE4, false}, Case{0xE5, false}, Case{0xE6, false}, Case{0xE7, false}, Case{0xF0, true},
                 Case{0xF1, true}, Case{0xF2, true}, Case{0xF3, true}}) {
    CAPTURE(k.code);
    std::shared_ptr<const ModuleImage> image;
    auto inst = binary_op(k.code, image);
    uint64_t args[4];
    std::memcpy(args, k.f64 ? a64 : a, 16);
    std::memcpy(args + 2, k.f64 ? b64 : b, 16);
    uint64_t by_interp[2] = {}, by_jit[2] = {};
    interp::ExecStack& st = interp::exec_stack();
    REQUIRE(lvm::invoke_on(st, *inst, 0, args, by_interp) == Trap::None);
    REQUIRE(jit::tier(/*eager=*/true).invoke_on(st, *inst, 0, args, by_jit) == Trap::None);
    CHECK(by_interp[0] == by_jit[0]);
    CHECK(by_interp[1] == by_jit[1]);
    if (!k.f64) {
      // Lanes 0, 1 and 3: a's NaN with the quiet bit set; lane 2: b's.
      CHECK(uint32_t(by_jit[0]) == 0x7FC00001u);
      CHECK(uint32_t(by_jit[0] >> 32) == 0xFFFFFF81u);
      CHECK(uint32_t(by_jit[1]) == 0xFFFFFF8Au);
      CHECK(uint32_t(by_jit[1] >> 32) == 0x7FC00ABCu);
    } else {
      CHECK(by_jit[0] == 0x7FF8000000000001ull);
      CHECK(by_jit[1] == 0x7FF8000000000002ull);
    }
  }
}

namespace {
// (memory 1) (data (i32.const 0x20) "\81\82\83\84\85\86\87\88")
// (func (param i32) (result v128) local.get 0 <load> offset=0x20 [nop] <splat>)
Bytes load_splat_module(uint8_t load, uint8_t align, uint32_t splat, bool nop_between) {
  Bytes code = cat({{0x20, 0, load, align, 0x20}});
  if (nop_between) code = cat({code, {0x01}});
  code = cat({code, {0xFD}, leb(splat), {0x0B}});
  Bytes data = cat({{0x00, 0x41, 0x20, 0x0B}, leb(8), {0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88}});
  return module({section(1, vec({functype({0x7F}, {V128})})), section(3, vec({leb(0)})),
                 section(5, vec({cat({{0x00}, leb(1)})})), section(10, vec({body(code)})),
                 section(11, vec({data}))});
}
}  // namespace

TEST_CASE("a scalar load whose value only feeds a splat is one splatting load: same lanes, same traps, less code") {
  if (!jit::available()) return;
  struct Case {
    uint8_t load, align;
    uint32_t splat;
    uint64_t lane_bits;  // the first 8 bytes of the result at address 0
  };
  // i32.load + i32x4.splat, f32.load + f32x4.splat, i64.load + i64x2.splat,
  // f64.load + f64x2.splat, i32.load16_s/_u + i16x8.splat, i32.load8_s/_u + i8x16.splat.
  for (Case k : {Case{0x28, 2, 17, 0x8483828184838281ull}, Case{0x2A, 2, 19, 0x8483828184838281ull},
                 Case{0x29, 3, 18, 0x8887868584838281ull}, Case{0x2B, 3, 20, 0x8887868584838281ull},
                 Case{0x2E, 1, 16, 0x8281828182818281ull}, Case{0x2F, 1, 16, 0x8281828182818281ull},
                 Case{0x2C, 0, 15, 0x8181818181818181ull}, Case{0x2D, 0, 15, 0x8181818181818181ull}}) {
    CAPTURE(int(k.load));
    auto fused = load_module(load_splat_module(k.load, k.align, k.splat, false));
    auto apart = load_module(load_splat_module(k.load, k.align, k.splat, true));
    REQUIRE(fused.has_value());
    REQUIRE(apart.has_value());
    void* table[1] = {nullptr};
    const jit::CompileResult one = jit::compile_function(**fused, 0, table, jit::MemoryMode::Guarded);
    const jit::CompileResult two = jit::compile_function(**apart, 0, table, jit::MemoryMode::Guarded);
    REQUIRE(one.fallback.empty());
    CHECK(one.size < two.size);  // (the nop between them keeps them apart)
    auto built = ModuleImage::build(*fused, nullptr);
    REQUIRE(std::holds_alternative<std::shared_ptr<const ModuleImage>>(built));
    auto image = std::get<std::shared_ptr<const ModuleImage>>(built);
    auto made = image->instantiate({});
    REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(made));
    Instance& inst = *std::get<std::unique_ptr<Instance>>(made);
    interp::ExecStack& st = interp::exec_stack();
    // At 0 (the data's bytes), and where the access ends exactly at, and
    // one byte past, the end of memory.
    const uint32_t width = k.load == 0x29 || k.load == 0x2B ? 8 : k.load == 0x28 || k.load == 0x2A ? 4
                           : k.load == 0x2E || k.load == 0x2F                            ? 2 : 1;
    for (uint32_t addr : {0u, 65536u - 0x20 - width, 65536u - 0x20 - width + 1}) {
      CAPTURE(addr);
      uint64_t args[1] = {addr}, by_interp[2] = {1, 1}, by_jit[2] = {2, 2};
      const Trap ti = lvm::invoke_on(st, inst, 0, args, by_interp);
      const Trap tj = jit::tier(/*eager=*/true).invoke_on(st, inst, 0, args, by_jit);
      CHECK(ti == tj);
      if (addr == 0) {
        REQUIRE(tj == Trap::None);
        CHECK(by_jit[0] == k.lane_bits);
        CHECK(by_jit[1] == k.lane_bits);
      } else if (tj == Trap::None) {
        CHECK(by_interp[0] == by_jit[0]);
        CHECK(by_interp[1] == by_jit[1]);
      } else {
        CHECK(tj == Trap::MemoryOutOfBounds);
      }
    }
  }
}
