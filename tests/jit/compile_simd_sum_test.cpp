// Tests for add chains into a v128 local (jit/compile_simd_sum.cpp): the
// terms are summed beside the local and the local added once, and every
// instruction that could see the difference (a read of the partial sum, a
// write of the local, a branch, a spill) settles the sum first. Each case
// is compared with the interpreter bit for bit, and CompileResult::sums
// says whether the chain was compiled as a sum.
#include <doctest/doctest.h>

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
const Bytes kI8x16Add = {0xFD, 0x6E}, kI16x8Add = {0xFD, 0x8E, 0x01}, kI32x4Add = {0xFD, 0xAE, 0x01},
            kI64x2Add = {0xFD, 0xCE, 0x01};

// A term of its own register: local.get a, local.get b, v128.xor.
Bytes term(uint8_t a, uint8_t b) { return {0x20, a, 0x20, b, 0xFD, 0x51}; }

// (func (param v128 v128 v128 v128) (result v128) (local $acc v128) (local $t v128)
//   local.set $acc (local.get 0)  (loop <code>)  v128.xor (local.get $acc) (local.get $t))
// (in a loop, run once, so that the locals get registers)
Bytes sum_module(const Bytes& code) {
  const Bytes all = cat({{0x20, 0, 0x21, 4, 0x03, 0x40}, code, {0x0B, 0x20, 4, 0x20, 5, 0xFD, 0x51, 0x0B}});
  return module({section(1, vec({functype({V128, V128, V128, V128}, {V128})})), section(3, vec({leb(0)})),
                 section(10, vec({body(all, {0x01, 0x02, V128})}))});
}

struct Outcome {
  size_t sums = 0;
  bool same = false;
};

// Compiles `code` and runs it in both tiers on a few argument sets.
Outcome run_both(const Bytes& code) {
  Outcome o;
  auto loaded = load_module(sum_module(code));
  REQUIRE(loaded.has_value());
  void* table[1] = {nullptr};
  const jit::CompileResult r = jit::compile_function(**loaded, 0, table, jit::MemoryMode::Guarded);
  REQUIRE(r.fallback.empty());
  o.sums = r.sums;
  auto built = ModuleImage::build(*loaded, nullptr);
  REQUIRE(std::holds_alternative<std::shared_ptr<const ModuleImage>>(built));
  auto image = std::get<std::shared_ptr<const ModuleImage>>(built);
  auto made = image->instantiate({});
  REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(made));
  Instance& inst = *std::get<std::unique_ptr<Instance>>(made);
  interp::ExecStack& st = interp::exec_stack();
  o.same = true;
  for (uint64_t seed : {0x0123456789ABCDEFull, 0xFFFFFFFFFFFFFFFFull, 0x8000000080000000ull}) {
    uint64_t args[8];
    for (int i = 0; i < 8; ++i) args[i] = seed * uint64_t(2 * i + 1) ^ (uint64_t(i) << 61);
    uint64_t by_interp[2] = {1, 1}, by_jit[2] = {2, 2};
    const Trap ti = lvm::invoke_on(st, inst, 0, args, by_interp);
    const Trap tj = jit::tier(/*eager=*/true).invoke_on(st, inst, 0, args, by_jit);
    REQUIRE(ti == Trap::None);
    REQUIRE(tj == Trap::None);
    o.same &= by_interp[0] == by_jit[0] && by_interp[1] == by_jit[1];
  }
  return o;
}
}  // namespace

TEST_CASE("a chain of lane adds into a local is one sum, in every lane width, with the interpreter's lanes") {
  if (!jit::available()) return;
  for (const Bytes& add : {kI8x16Add, kI16x8Add, kI32x4Add, kI64x2Add}) {
    CAPTURE(int(add[1]));
    // acc = acc + t(1,2) + t(2,3) + t(3,1); the result acc.
    const Outcome o =
        run_both(cat({{0x20, 4}, term(1, 2), add, term(2, 3), add, term(3, 1), add, {0x21, 4}}));
    CHECK(o.sums == 1);
    CHECK(o.same);
  }
  // The local read inside the chain is its old value.
  const Outcome read = run_both(cat({{0x20, 4}, term(1, 2), kI32x4Add, {0x20, 4, 0x20, 3, 0xFD, 0x51}, kI32x4Add,
                                     term(2, 3), kI32x4Add, {0x21, 4}}));
  CHECK(read.sums == 1);
  CHECK(read.same);
}

TEST_CASE("what could see a pending sum settles it first: same lanes as the interpreter") {
  if (!jit::available()) return;
  // The partial sum teed into another local.
  const Outcome teed = run_both(cat({{0x20, 4}, term(1, 2), kI32x4Add, term(2, 3), kI32x4Add, {0x22, 5},
                                     term(3, 1), kI32x4Add, {0x21, 4}}));
  CHECK(teed.sums == 0);
  CHECK(teed.same);
  // The local written (a constant) while the sum waits below.
  Bytes konst = {0xFD, 0x0C};
  for (int i = 0; i < 16; ++i) konst.push_back(uint8_t(0x11 * i + 3));
  const Outcome written = run_both(cat({{0x20, 4}, term(1, 2), kI32x4Add, term(2, 3), kI32x4Add, konst,
                                        {0x21, 4, 0x20, 4}, kI32x4Add, {0x21, 4}}));
  CHECK(written.sums == 0);
  CHECK(written.same);
  // A branch in the chain (block, br_if, end).
  const Outcome branch = run_both(cat({{0x20, 4}, term(1, 2), kI32x4Add, term(2, 3), kI32x4Add,
                                       {0x02, 0x40, 0x41, 0x01, 0x0D, 0x00, 0x0B}, term(3, 1), kI32x4Add,
                                       {0x21, 4}}));
  CHECK(branch.sums == 0);
  CHECK(branch.same);
  // A different lane width's add of the partial sum.
  const Outcome width = run_both(
      cat({{0x20, 4}, term(1, 2), kI32x4Add, term(2, 3), kI32x4Add, term(3, 1), kI8x16Add, {0x21, 4}}));
  CHECK(width.sums == 0);
  CHECK(width.same);
  // More live vectors than registers: the sum's register is spilled.
  Bytes many = cat({{0x20, 4}, term(1, 2), kI32x4Add});
  for (int i = 0; i < 20; ++i) many = cat({many, term(uint8_t(1 + i % 2), uint8_t(2 - i % 2))});  // (the locals used fewest, so $acc has a home)
  for (int i = 0; i < 20; ++i) many = cat({many, kI32x4Add});
  const Outcome spilled = run_both(cat({many, {0x21, 4}}));
  CHECK(spilled.same);
}
