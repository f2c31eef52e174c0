// x86-64 register roles (jit/abi.h): r14 holds the context, r15 memory 0's
// base, rbp the frame pointer, r11 and xmm14/15 are the macro-assembler's
// scratch; rbx, r12 and r13 (callee-saved in the System V ABI as in ours)
// home locals, and so do r8-r10 and xmm10-13, saved around calls; the rest
// hold operand-stack values.
#include <asmjit/x86.h>

#include <cstdlib>
#include <cstring>

#include "jit/abi.h"
#include "jit/x64/cpu_x64.h"

namespace lvm::jit {

const CpuFeatures& cpu() {
  static const CpuFeatures f = [] {
    CpuFeatures c;
    const asmjit::CpuInfo& info = asmjit::CpuInfo::host();
    c.lzcnt = info.hasFeature(asmjit::CpuFeatures::X86::kLZCNT);
    c.bmi1 = info.hasFeature(asmjit::CpuFeatures::X86::kBMI);
    c.sse41 = info.hasFeature(asmjit::CpuFeatures::X86::kSSE4_1) && info.hasFeature(asmjit::CpuFeatures::X86::kSSSE3);
    c.avx2 = c.sse41 && info.hasFeature(asmjit::CpuFeatures::X86::kAVX2);
    c.avx512 = c.avx2 && info.hasFeature(asmjit::CpuFeatures::X86::kAVX512_F) &&
               info.hasFeature(asmjit::CpuFeatures::X86::kAVX512_BW) &&
               info.hasFeature(asmjit::CpuFeatures::X86::kAVX512_DQ) &&
               info.hasFeature(asmjit::CpuFeatures::X86::kAVX512_VL);
    // LVM_JIT_ISA=sse4.1: the baseline sequences only, as on a CPU without
    // AVX (make test runs the SIMD spec files so, to test them here too).
    if (const char* isa = std::getenv("LVM_JIT_ISA"); isa && std::strcmp(isa, "sse4.1") == 0)
      c.avx2 = c.avx512 = false;
    return c;
  }();
  return f;
}

Gpr Regs::ctx() { return Gpr{14}; }
Gpr Regs::mem() { return Gpr{15}; }
Gpr Regs::scratch() { return Gpr{11}; }

const Gpr* Regs::temps(size_t& n) {
  // rax rcx rdx rsi rdi
  static constexpr Gpr regs[] = {{0}, {1}, {2}, {6}, {7}};
  n = sizeof regs / sizeof regs[0];
  return regs;
}

const Fpr* Regs::ftemps(size_t& n) {
  static constexpr Fpr regs[] = {{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}};
  n = sizeof regs / sizeof regs[0];
  return regs;
}

const Gpr* Regs::vhomes(size_t& n) {
  // r8 r9 r10: r8 and r9 carry C arguments, but only the runtime stub's,
  // loaded after the homes are saved (Compiler::call_runtime).
  static constexpr Gpr regs[] = {{8}, {9}, {10}};
  n = sizeof regs / sizeof regs[0];
  return regs;
}

const Fpr* Regs::fhomes(size_t& n) {
  static constexpr Fpr regs[] = {{10}, {11}, {12}, {13}};  // (no C argument register among them)
  n = sizeof regs / sizeof regs[0];
  return regs;
}

const Gpr* Regs::homes(size_t& n) {
  static constexpr Gpr regs[] = {{3}, {12}, {13}};  // rbx r12 r13
  n = sizeof regs / sizeof regs[0];
  return regs;
}

}  // namespace lvm::jit
