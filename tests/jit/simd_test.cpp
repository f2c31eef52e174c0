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
