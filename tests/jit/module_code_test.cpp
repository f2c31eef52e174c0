// Tests for jit/module_code.h: eager compilation of a large module on
// several threads gives every function its code, the same code as one
// thread gives, and that code computes what the interpreter does.
#include "jit/module_code.h"

#include <doctest/doctest.h>

#include <memory>
#include <variant>

#include "jit/jit.h"
#include "loader/loader.h"
#include "tests/support/wasm_builder.h"
#include "vm/interpreter.h"
#include "vm/module_image.h"

using namespace lvm;
using namespace lvm::test;

namespace {
constexpr uint32_t kFuncs = 400;

// kFuncs functions (param i32) (result i32), function k computing
// ((x + k) * 3 ^ k) ... 40 rounds, then calling function k + 1 with the
// result when k is even (so calls cross the work of different threads).
// About 170 KB of bodies: above what compile_all leaves to one thread.
std::shared_ptr<const Module> many_functions() {
  Bytes funcs = leb(kFuncs), bodies = leb(kFuncs);
  for (uint32_t k = 0; k < kFuncs; ++k) {
    put_u32(funcs, 0);
    Bytes code = {0x20, 0};  // local.get 0
    for (int r = 0; r < 40; ++r) {
      code = cat({code, {0x41}, sleb(int32_t(k + r)), {0x6A},  // i32.const; i32.add
                  {0x41, 3, 0x6C},                              // i32.const 3; i32.mul
                  {0x41}, sleb(int32_t(k)), {0x73}});           // i32.const k; i32.xor
    }
    if (k % 2 == 0 && k + 1 < kFuncs) code = cat({code, {0x10}, leb(k + 1)});  // call k+1
    code.push_back(0x0B);
    bodies = cat({bodies, body(code)});
  }
  const Bytes types = section(1, vec({functype({I32}, {I32})}));
  Bytes m = module({types, section(3, funcs), section(10, bodies)});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  return *r;
}
}  // namespace

TEST_CASE("compile_all on several threads compiles every function as one thread does") {
  if (!jit::available()) return;
  const std::shared_ptr<const Module> m = many_functions();
  uint64_t bytes = 0;
  for (const auto& b : m->bodies) bytes += b.body.size;
  REQUIRE(bytes > 2 * (64 << 10));  // so that compile_all takes two threads

  jit::ModuleCode::set_compile_threads(1);
  jit::ModuleCode one(m, jit::MemoryMode::Guarded, /*eager=*/true);
  REQUIRE(one.compile_all());
  jit::ModuleCode::set_compile_threads(4);
  jit::ModuleCode many(m, jit::MemoryMode::Guarded, /*eager=*/true);
  REQUIRE(many.compile_all());
  jit::ModuleCode::set_compile_threads(0);  // (back to the default)

  const auto s1 = one.stats(), sn = many.stats();
  CHECK(s1.compiled == kFuncs);
  CHECK(sn.compiled == kFuncs);
  CHECK(sn.interpreted == 0);
  CHECK(s1.threads == 1);
  CHECK(sn.threads == 2);  // one per 64 KiB of bodies, at most the 4 allowed
  CHECK(sn.code_bytes == s1.code_bytes);  // the same code, byte counts alike
  CHECK(sn.wasm_bytes == bytes);
  for (uint32_t f = 0; f < kFuncs; ++f) {
    CAPTURE(f);
    REQUIRE(many.table()[f] != nullptr);
  }
  CHECK(many.compile_all());  // (a second call: nothing left to do)
}

TEST_CASE("code compiled on several threads computes what the interpreter does") {
  if (!jit::available()) return;
  auto built = ModuleImage::build(many_functions(), nullptr);
  REQUIRE(std::holds_alternative<std::shared_ptr<const ModuleImage>>(built));
  auto image = std::get<std::shared_ptr<const ModuleImage>>(built);
  auto made = image->instantiate({});
  REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(made));
  Instance& inst = *std::get<std::unique_ptr<Instance>>(made);
  jit::ModuleCode::set_compile_threads(2);
  interp::ExecStack& st = interp::exec_stack();
  for (uint32_t f = 0; f < kFuncs; f += 7) {
    CAPTURE(f);
    const uint64_t args[1] = {uint64_t(f * 1000 + 17)};
    uint64_t jit_out[1] = {0}, interp_out[1] = {1};
    REQUIRE(jit::tier(/*eager=*/true).invoke_on(st, inst, f, args, jit_out) == Trap::None);
    REQUIRE(lvm::invoke_on(st, inst, f, args, interp_out) == Trap::None);
    CHECK(uint32_t(jit_out[0]) == uint32_t(interp_out[0]));
  }
  jit::ModuleCode::set_compile_threads(0);
}
