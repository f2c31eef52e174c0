// Every opcode of the one table has a JIT path: each table-driven
// WebAssembly 2.0 instruction, SIMD included, compiles (jit::compile_function
// gives code, no fallback reason). (Control, variables, calls and the rest
// of the `special` instructions are compiled by every spec-testsuite file
// in modes jit and jit-lazy, which make test runs requiring zero fallbacks.)
#include "jit/compiler.h"

#include <doctest/doctest.h>

#include <memory>

#include "loader/loader.h"
#include "tests/support/opcode_modules.h"

using namespace lvm;
using namespace lvm::test;

TEST_CASE("every table-driven instruction has a JIT path") {
  int compiled = 0, simd = 0;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    if (info.sig.special) continue;
    CAPTURE(info.name);
    auto m = load_module(table_driven_module(info));
    REQUIRE(m);
    void* table[1] = {nullptr};
    for (jit::MemoryMode mode : {jit::MemoryMode::Guarded, jit::MemoryMode::Checked}) {
      const jit::CompileResult r = jit::compile_function(**m, 0, table, mode);
      CHECK(r.fallback.empty());
      CHECK(r.masm != nullptr);
      CHECK(r.size > 0);
    }
    ++compiled;
    simd += info.feature == Feature::Simd;
  }
  CHECK(compiled > 380);
  CHECK(simd == 236);
  MESSAGE(compiled << " compiled, " << simd << " of them SIMD");
}

TEST_CASE("loads and stores rely on the guard in guarded memory and check in small slots") {
  int accesses = 0;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    if (info.sig.special || info.feature == Feature::Simd || 
        !(info.imm >= ImmKind::Mem1 && info.imm <= ImmKind::Mem8))
      continue;
    CAPTURE(info.name);
    auto m = load_module(table_driven_module(info));
    REQUIRE(m);
    void* table[1] = {nullptr};
    const jit::CompileResult guarded = jit::compile_function(**m, 0, table, jit::MemoryMode::Guarded);
    const jit::CompileResult checked = jit::compile_function(**m, 0, table, jit::MemoryMode::Checked);
    REQUIRE(guarded.fallback.empty());
    REQUIRE(checked.fallback.empty());
    // One access, recorded as a fault site, and no compare: shorter code.
    REQUIRE(guarded.faults.size() == 1);
    CHECK(guarded.faults[0].begin < guarded.faults[0].end);
    CHECK(guarded.faults[0].end <= guarded.size);
    CHECK(checked.faults.empty());
    CHECK(guarded.size < checked.size);
    ++accesses;
  }
  CHECK(accesses == 23);
}
