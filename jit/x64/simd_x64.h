// Internal to the x86-64 backend: the SIMD lane operations as SSE4.1
// sequences (jit/masm.h's simd_* operations, implemented by masm_x64.cpp
// through these). xmm14 and xmm15 and r11 are scratch, as in masm_x64.cpp.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <vector>

#include "loader/opcodes.h"

namespace lvm::jit::x64 {

// A function's 16-byte constants (v128.const, shuffle masks, lane
// patterns), each once, placed 16-byte aligned after its code and read
// RIP-relative: one load instead of building the value in registers.
class ConstPool {
 public:
  // The constant's memory operand (its label bound by emit()).
  asmjit::x86::Mem get(asmjit::x86::Assembler& a, uint64_t lo, uint64_t hi);
  // Places the constants at the assembler's position (after the code).
  void emit(asmjit::x86::Assembler& a);
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    asmjit::Label label;
    uint64_t lo, hi;
  };
  std::vector<Entry> entries_;
};

// Whether `op` has an inline sequence (on a CPU with SSE4.1 and SSSE3).
bool simd_has_inline(Opcode op);
// d = op(d), op(d, b), op(d, b, c).
void simd_v(asmjit::x86::Assembler& a, ConstPool& pool, Opcode op, asmjit::x86::Xmm d);
void simd_vv(asmjit::x86::Assembler& a, ConstPool& pool, Opcode op, asmjit::x86::Xmm d, asmjit::x86::Xmm b);
void simd_vvv(asmjit::x86::Assembler& a, Opcode op, asmjit::x86::Xmm d, asmjit::x86::Xmm b, asmjit::x86::Xmm c);
// Integer extract_lane, any_true, all_true, bitmask into d (32 or 64 bits).
void simd_to_gpr(asmjit::x86::Assembler& a, Opcode op, asmjit::x86::Gp d, asmjit::x86::Xmm v, uint32_t lane);
// Integer splat (d written whole), replace_lane and shifts (d the vector).
void simd_gpr(asmjit::x86::Assembler& a, Opcode op, asmjit::x86::Xmm d, asmjit::x86::Gp x, uint32_t lane);
// Float splat (d from x), extract_lane (d from vector x), replace_lane (d the vector).
void simd_fpr(asmjit::x86::Assembler& a, Opcode op, asmjit::x86::Xmm d, asmjit::x86::Xmm x, uint32_t lane);
// The bytes SIMD load `op` reads if it has an inline sequence (the
// extending, zero-filling and splatting loads), else 0.
uint32_t simd_load_bytes(Opcode op);
// d = the lanes of load `op` from `m` (simd_load_bytes(op) bytes), the
// access first; `avx2`: vpbroadcast for the splats.
void simd_load(asmjit::x86::Assembler& a, Opcode op, asmjit::x86::Xmm d, const asmjit::x86::Mem& m, bool avx2);
// Whether binary `op` has one instruction writing a third register on this
// CPU (AVX's VEX forms; AVX-512's mask compares).
bool simd_has_vv3(Opcode op);
// d = op(l, r) as that instruction (d may be l, r or neither).
void simd_vv3(asmjit::x86::Assembler& a, Opcode op, asmjit::x86::Xmm d, asmjit::x86::Xmm l, asmjit::x86::Xmm r);
// d = i8x16.shuffle(s, b, pattern) (d may be s, b or neither).
void simd_shuffle(asmjit::x86::Assembler& a, ConstPool& pool, asmjit::x86::Xmm d, asmjit::x86::Xmm s,
                  asmjit::x86::Xmm b, const uint8_t pattern[16]);

}  // namespace lvm::jit::x64
