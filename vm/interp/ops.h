// The interpreter's internal instruction set:
//  - the hand-written instructions of ops.def (control, calls, variables,
//    tables, bulk memory);
//  - an immediate-operand form of the common integer binary operators;
//  - one instruction per WebAssembly opcode, `wasm_iop(op)`, whose handler
//    is generated from the semantics tables vm/numeric_ops.def and
//    vm/memory_ops.def (SIMD: vm/simd_ops.def and exec_simd.inc). Opcodes the translator handles otherwise (control,
//    variables, ...) or cannot run have none; the coverage
//    test in tests/vm/interp_coverage_test.cpp checks every opcode is one
//    or the other.
#pragma once

#include <cstdint>

#include "loader/opcodes.h"

namespace lvm::interp {

// Integer binary operators with a form taking a constant right operand
// (`x + 1`, `i < n` with a literal n), which saves a dispatch.
#define LVM_INTERP_IMM_OPS(X)                                                                        \
  X(I32Rotl) X(I32Rotr) X(I64Rotl) X(I64Rotr)                                                        \
  X(I32Add) X(I32Sub) X(I32Mul) X(I32And) X(I32Or) X(I32Xor) X(I32Shl) X(I32ShrS) X(I32ShrU)          \
  X(I32Eq) X(I32Ne) X(I32LtS) X(I32LtU) X(I32GtS) X(I32GtU) X(I32LeS) X(I32LeU) X(I32GeS) X(I32GeU)  \
  X(I64Add) X(I64Sub) X(I64Mul) X(I64And) X(I64Or) X(I64Xor) X(I64Shl) X(I64ShrS) X(I64ShrU)         \
  X(I64Eq) X(I64Ne) X(I64LtS) X(I64LtU) X(I64GtS) X(I64GtU) X(I64LeS) X(I64LeU) X(I64GeS) X(I64GeU)

// Integer comparisons that fuse with a following br_if / if into one
// compare-and-branch instruction, and each one's negation (for branching
// when the comparison is false).
#define LVM_INTERP_CMP_OPS(X)                                                        \
  X(I32Eq, I32Ne) X(I32Ne, I32Eq) X(I32LtS, I32GeS) X(I32LtU, I32GeU) X(I32GtS, I32LeS) \
  X(I32GtU, I32LeU) X(I32LeS, I32GtS) X(I32LeU, I32GtU) X(I32GeS, I32LtS) X(I32GeU, I32LtU) \
  X(I64Eq, I64Ne) X(I64Ne, I64Eq) X(I64LtS, I64GeS) X(I64LtU, I64GeU) X(I64GtS, I64LeS) \
  X(I64GtU, I64LeU) X(I64LeS, I64GtS) X(I64LeU, I64GtU) X(I64GeS, I64LtS) X(I64GeU, I64LtU)

// Binary operators that take their second operand straight from memory
// when a full-width load of it comes right before (`dst = a op mem[p+off]`),
// as x86 memory operands do: one dispatch and one slot round-trip fewer.
// X(operator, load, commutative)
#define LVM_INTERP_LOAD_OPS(X)                                                                            \
  X(I32Add, I32Load, true) X(I32Sub, I32Load, false) X(I32Mul, I32Load, true) X(I32And, I32Load, true)     \
  X(I32Or, I32Load, true) X(I32Xor, I32Load, true) X(I64Add, I64Load, true) X(I64Sub, I64Load, false)     \
  X(I64Mul, I64Load, true) X(I64And, I64Load, true) X(I64Or, I64Load, true) X(I64Xor, I64Load, true)      \
  X(F32Add, F32Load, true) X(F32Sub, F32Load, false) X(F32Mul, F32Load, true) X(F32Div, F32Load, false)   \
  X(F64Add, F64Load, true) X(F64Sub, F64Load, false) X(F64Mul, F64Load, true) X(F64Div, F64Load, false)

// i32 operators that take a shifted or rotated operand when the shift by a
// constant comes right before (`a ^ rotl(x, 19)`), as ARM's shifted-register
// operands do: X(operator, shift) for each operator and each shift.
#define LVM_INTERP_SHIFTS_FOR(X, op) X(op, I32Rotl) X(op, I32Rotr) X(op, I32Shl) X(op, I32ShrU) X(op, I32ShrS)
#define LVM_INTERP_SHIFTED_OPS(X)                                              \
  LVM_INTERP_SHIFTS_FOR(X, I32Add) LVM_INTERP_SHIFTS_FOR(X, I32Xor)            \
  LVM_INTERP_SHIFTS_FOR(X, I32Or) LVM_INTERP_SHIFTS_FOR(X, I32And)

// i32 operators taking their second operand from an 8- or 16-bit load just
// before, extended as the load would: X(operator, load, commutative, memory type).
#define LVM_INTERP_NARROW_FOR(X, op, comm)                                                    \
  X(op, I32Load8U, comm, uint8_t) X(op, I32Load8S, comm, int8_t) X(op, I32Load16U, comm, uint16_t) \
  X(op, I32Load16S, comm, int16_t)
#define LVM_INTERP_NARROW_LOAD_OPS(X)                                                          \
  LVM_INTERP_NARROW_FOR(X, I32Add, true) LVM_INTERP_NARROW_FOR(X, I32Sub, false)               \
  LVM_INTERP_NARROW_FOR(X, I32Mul, true) LVM_INTERP_NARROW_FOR(X, I32And, true)                \
  LVM_INTERP_NARROW_FOR(X, I32Or, true) LVM_INTERP_NARROW_FOR(X, I32Xor, true)

// i32 add/xor/and/or whose operand is another add/xor/and/or computed just
// before (sha256's Ch/Maj, sums of terms): dst = a op (x inner y).
#define LVM_INTERP_ALU2_FOR(X, op) X(op, I32Add) X(op, I32Xor) X(op, I32And) X(op, I32Or)
#define LVM_INTERP_ALU2_OPS(X)                                                             \
  LVM_INTERP_ALU2_FOR(X, I32Add) LVM_INTERP_ALU2_FOR(X, I32Xor) LVM_INTERP_ALU2_FOR(X, I32And) \
  LVM_INTERP_ALU2_FOR(X, I32Or)

// The SIMD instructions with hand-written handlers (vm/interp/
// exec_simd.inc): those taking memory or immediates beyond a lane index.
// X(opcode, operand words). The others are generated from vm/simd_ops.def.
#define LVM_INTERP_SIMD_SPECIAL_OPS(X)                                                                  \
  X(V128Const, 5) X(I8x16Shuffle, 7) X(V128Store, 3)                                                   \
  X(V128Load, 3) X(V128Load8x8S, 3) X(V128Load8x8U, 3) X(V128Load16x4S, 3) X(V128Load16x4U, 3)          \
  X(V128Load32x2S, 3) X(V128Load32x2U, 3) X(V128Load8Splat, 3) X(V128Load16Splat, 3)                   \
  X(V128Load32Splat, 3) X(V128Load64Splat, 3) X(V128Load32Zero, 3) X(V128Load64Zero, 3)                \
  X(V128Load8Lane, 5) X(V128Load16Lane, 5) X(V128Load32Lane, 5) X(V128Load64Lane, 5)                   \
  X(V128Store8Lane, 4) X(V128Store16Lane, 4) X(V128Store32Lane, 4) X(V128Store64Lane, 4)

enum class IOp : uint16_t {
#define IOP(name, n) name,
#include "vm/interp/ops.def"
#undef IOP
#define X(name) name##Imm,
  LVM_INTERP_IMM_OPS(X)
#undef X
  // <op>Load: dst, a, address, offset. <op>Rmw: a, address, offset, storing
  // `a op mem` back to the same place (x op= mem[p]). <op>LoadAddR/AddI:
  // dst, a, p, q (or immediate), offset, the address being uint32(p + q).
#define X(name, load, comm) name##Load, name##Rmw, name##LoadAddR, name##LoadAddI,
  LVM_INTERP_LOAD_OPS(X)
#undef X
  // Loads and stores whose address is an i32.add computed right before:
  // <load>AddR: dst, a, b, offset (address uint32(a + b) + offset);
  // <load>AddI: dst, a, imm, offset; <store>AddR: a, b, value, offset;
  // <store>AddI: a, imm, value, offset. The add keeps its wrap-around.
#define LOAD(name, S, M) name##AddR, name##AddI,
#define STORE(name, S, M) name##AddR, name##AddI,
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
  // Loads and stores at a constant address (a C static: i32.const base,
  // with the offset folded in): <load>Abs: dst, address; <store>Abs:
  // value, address.
#define LOAD(name, S, M) name##Abs,
#define STORE(name, S, M) name##Abs,
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
  // Stores of a constant (value bits as two words lo, hi):
  // <store>Imm: address, lo, hi, offset; <store>AddRImm: a, b, lo, hi,
  // offset; <store>AddIImm: a, imm, lo, hi, offset.
#define LOAD(name, S, M)
#define STORE(name, S, M) name##Imm, name##AddRImm, name##AddIImm,
#include "vm/memory_ops.def"
#undef LOAD
#undef STORE
  // <op>With<load>: dst, a, address, offset.
#define X(op, load, comm, M) op##With##load,
  LVM_INTERP_NARROW_LOAD_OPS(X)
#undef X
  // <op>Of<inner>: dst, a, x, y: dst = a op (x inner y).
#define X(op, inner) op##Of##inner,
  LVM_INTERP_ALU2_OPS(X)
#undef X
  // <op>With<shift>: dst, a, x, k: dst = a op shift(x, k).
#define X(op, sh) op##With##sh,
  LVM_INTERP_SHIFTED_OPS(X)
#undef X
  // BrIf<cmp>: a, b, offset. BrIf<cmp>Imm: a, immediate (1 or 2 words), offset.
#define X(name, neg) BrIf##name, BrIf##name##Imm,
  LVM_INTERP_CMP_OPS(X)
#undef X
  WasmBase,  // IOp(WasmBase + Opcode): the generated handler of that opcode
  Count = WasmBase + kOpcodeCount,
};

constexpr IOp wasm_iop(Opcode op) { return IOp(uint16_t(IOp::WasmBase) + uint16_t(op)); }

// Whether the dispatch loop has a generated handler for a WebAssembly opcode.
bool has_wasm_handler(Opcode op);

// Number of operand words of each internal instruction.
uint32_t iop_operands(IOp op);

// Handler addresses (direct threading), indexed by IOp; filled in by the
// dispatch loop on first use.
const void* const* handler_table();

}  // namespace lvm::interp
