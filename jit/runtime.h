// The C functions compiled code calls on the host stack (through the
// runtime stub) for instructions too large to inline: memory.grow, bulk
// memory, tables (spec 4.4.6, 4.4.7). Each takes the execution stack
// first; the trapping ones return a Trap code (0: none) and leave a result
// in JitState::scratch.
#pragma once

#include <cstdint>

#include "vm/interp/exec_state.h"

namespace lvm::jit::rt {

using Ctx = interp::ExecStack;

uint64_t memory_grow(Ctx* c, uint64_t delta);
uint32_t memory_init(Ctx* c, uint64_t seg, uint64_t d, uint64_t s, uint64_t n);
uint64_t data_drop(Ctx* c, uint64_t seg);
uint32_t memory_copy(Ctx* c, uint64_t d, uint64_t s, uint64_t n);
uint32_t memory_fill(Ctx* c, uint64_t d, uint64_t v, uint64_t n);
uint32_t table_get(Ctx* c, uint64_t t, uint64_t i);
uint32_t table_set(Ctx* c, uint64_t t, uint64_t i, uint64_t ref);
uint64_t table_size(Ctx* c, uint64_t t);
uint64_t table_grow(Ctx* c, uint64_t t, uint64_t init, uint64_t n);
uint32_t table_fill(Ctx* c, uint64_t t, uint64_t i, uint64_t ref, uint64_t n);
uint32_t table_copy(Ctx* c, uint64_t dt, uint64_t st, uint64_t d, uint64_t s, uint64_t n);
uint32_t table_init(Ctx* c, uint64_t seg, uint64_t t, uint64_t d, uint64_t s, uint64_t n);
uint64_t elem_drop(Ctx* c, uint64_t seg);

// A SIMD instruction through vm/simd.h (the JIT's generic path): `op` the
// Opcode, its lane index (if any) in bits 16-23; `dst`, `a`, `b`, `c` point
// at 16-byte v128 values in the frame (dst may equal an operand; a scalar
// result takes dst's first 8 bytes); `x` is the scalar operand's bits, or
// i8x16.shuffle's pattern as a pointer. For the v128 loads that extend or
// zero-fill, `x` holds the bytes loaded.
void simd_apply(uint64_t op, uint64_t dst, uint64_t a, uint64_t b, uint64_t c, uint64_t x);

}  // namespace lvm::jit::rt
