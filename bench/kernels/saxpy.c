/* saxpy: y = a * x + y over 64 Ki floats, repeated, then the bits of y
 * folded into the checksum; element-wise float arithmetic that compilers
 * vectorise (no reduction, so no reassociation: every build computes the
 * same bits). Built for wasm both plain and with -msimd128 (saxpy_simd).
 * SIZE: the number of passes (default 30000). */
#include "kernel.h"
#include <string.h>

#define N (1u << 16)
static float x[N], y[N];

KERNEL_NOINLINE void saxpy(float a, const float *restrict xs, float *restrict ys, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) ys[i] = a * xs[i] + ys[i];
}

int main(int argc, char **argv) {
  long passes = kernel_size(argc, argv, 30000);
  uint32_t seed = 12345;
  for (uint32_t i = 0; i < N; i++) {
    x[i] = (float)(kernel_rand(&seed) % 2001) / 1000.0f - 1.0f;
    y[i] = (float)(kernel_rand(&seed) % 2001) / 1000.0f - 1.0f;
  }
  double start = kernel_now();
  for (long p = 0; p < passes; p++) {
    /* A factor that keeps y bounded: alternately grows and shrinks it. */
    const float a = (p & 1) ? -0.5f : 0.5f;
    saxpy(a, x, y, N - (uint32_t)(p & 3));
  }
  uint64_t h = 0;
  for (uint32_t i = 0; i < N; i++) {
    uint32_t bits;
    memcpy(&bits, &y[i], 4);
    h = kernel_mix(h, bits);
  }
  kernel_report("saxpy", passes, h, start);
  return 0;
}
