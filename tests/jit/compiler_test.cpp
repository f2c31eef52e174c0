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

TEST_CASE("stores mark the granules they write only in the code variant that tracks writes") {
  int stores = 0, loads = 0;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    const bool memarg = (info.imm >= ImmKind::Mem1 && info.imm <= ImmKind::Mem16) ||
                        (info.imm >= ImmKind::MemLane1 && info.imm <= ImmKind::MemLane8);
    if (info.sig.special || !memarg) continue;
    CAPTURE(info.name);
    auto m = load_module(table_driven_module(info));
    REQUIRE(m);
    void* table[1] = {nullptr};
    for (jit::MemoryMode mode : {jit::MemoryMode::Guarded, jit::MemoryMode::Checked}) {
      const jit::CompileResult tracked = jit::compile_function(**m, 0, table, {mode, true});
      const jit::CompileResult untracked = jit::compile_function(**m, 0, table, {mode, false});
      REQUIRE(tracked.fallback.empty());
      REQUIRE(untracked.fallback.empty());
      if (std::string_view(info.name).find("store") != std::string_view::npos) {
        CHECK(untracked.size < tracked.size);  // the mark: the map's address, the granule, a byte store
        stores += mode == jit::MemoryMode::Guarded;
      } else {
        CHECK(untracked.size == tracked.size);
        loads += mode == jit::MemoryMode::Guarded;
      }
    }
  }
  CHECK(stores == 9 + 5);  // the scalar stores, v128.store and the four lane stores
  CHECK(loads > 20);
}
