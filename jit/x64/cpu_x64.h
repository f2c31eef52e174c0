// The x86-64 features the code generator uses when the CPU has them.
#pragma once

namespace lvm::jit {

struct CpuFeatures {
  bool lzcnt = false;  // LZCNT (else bsr)
  bool bmi1 = false;   // TZCNT (else bsf)
  bool sse41 = false;  // SSE4.1 (and SSSE3): inline SIMD (else vm/simd.h through the generic path)
  bool avx2 = false;   // AVX2 (and AVX): vpbroadcast for the splatting loads, VEX forms writing a third register
  bool avx512 = false; // AVX-512 F, BW, DQ and VL: integer lane compares into a mask register
};

// This machine's, detected once.
const CpuFeatures& cpu();

}  // namespace lvm::jit
