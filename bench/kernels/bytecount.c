/* bytecount: counts, over 1 MiB of text-like bytes, the bytes equal to a
 * given one and those above a threshold (a byte search's and a
 * classifier's inner loop), repeated with a different byte each pass;
 * integer lane work that compilers vectorise. Built for wasm both plain
 * and with -msimd128 (bytecount_simd). SIZE: the number of passes
 * (default 1000). */
#include "kernel.h"

#define LEN (1u << 20)
static uint8_t text[LEN];

KERNEL_NOINLINE uint32_t count_equal(const uint8_t *s, uint32_t n, uint8_t c) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++) k += s[i] == c;
  return k;
}

KERNEL_NOINLINE uint32_t count_above(const uint8_t *s, uint32_t n, uint8_t t) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++) k += s[i] > t;
  return k;
}

int main(int argc, char **argv) {
  long passes = kernel_size(argc, argv, 1000);
  uint32_t seed = 777;
  for (uint32_t i = 0; i < LEN; i++) text[i] = (uint8_t)(' ' + kernel_rand(&seed) % 95);
  double start = kernel_now();
  uint64_t h = 0;
  for (long p = 0; p < passes; p++) {
    h = kernel_mix(h, count_equal(text, LEN - (uint32_t)(p & 7), (uint8_t)(' ' + p % 95)));
    h = kernel_mix(h, count_above(text, LEN - (uint32_t)(p & 7), (uint8_t)(' ' + (p * 7) % 95)));
  }
  kernel_report("bytecount", passes, h, start);
  return 0;
}
