// Every opcode of the one table is accounted for by the interpreter: a
// generated handler (numeric, load, store), a path in the translator
// (control, variables, constants, calls, tables, bulk memory), or the
// explicit fallback for what it cannot run yet (proposals after 2.0),
// which traps with "unsupported instruction". Every SIMD instruction has a
// handler (vm/simd_ops.def, exec_simd.inc).
#include <doctest/doctest.h>

#include "loader/opcodes.h"
#include "vm/interp/ops.h"

using namespace lvm;

namespace {
// Non-`special` opcodes that the translator handles itself.
bool translated_specially(Opcode op) {
  switch (op) {
    case Opcode::Nop: case Opcode::I32Const: case Opcode::I64Const: case Opcode::F32Const: case Opcode::F64Const:
    case Opcode::MemorySize: case Opcode::MemoryGrow: case Opcode::MemoryInit: case Opcode::DataDrop:
    case Opcode::MemoryCopy: case Opcode::MemoryFill: case Opcode::ElemDrop:
      return true;
    default: return false;
  }
}
}  // namespace

TEST_CASE("every opcode has an interpreter handler, a translator path or an explicit fallback") {
  int handlers = 0, translated = 0, fallback = 0, simd = 0;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    Opcode op = Opcode(i);
    const OpInfo& info = op_info(op);
    CAPTURE(info.name);
    bool handler = interp::has_wasm_handler(op);
    bool unsupported = !Features::wasm2().has(info.feature);
    if (info.feature == Feature::Simd) CHECK(handler);
    bool translator = !unsupported && (info.sig.special || translated_specially(op));
    CHECK(int(handler) + int(translator) + int(unsupported) == 1);
    handlers += handler;
    translated += translator;
    fallback += unsupported;
    simd += info.feature == Feature::Simd;
  }
  CHECK(simd == 236);  // WebAssembly 2.0's SIMD instructions, every one with its handler
  MESSAGE(handlers << " generated handlers, " << translated << " translator paths, " << fallback << " fallbacks");
}

TEST_CASE("handler table: every internal instruction has an address") {
  const void* const* table = interp::handler_table();
  REQUIRE(table != nullptr);
  const void* no_handler = table[size_t(interp::IOp::WasmBase) + size_t(Opcode::Block)];
  for (size_t i = 0; i < size_t(interp::IOp::WasmBase); ++i) {
    CAPTURE(i);
    CHECK(table[i] != nullptr);
    CHECK(table[i] != no_handler);
  }
  CHECK(table[size_t(interp::wasm_iop(Opcode::I32Add))] != no_handler);
}
