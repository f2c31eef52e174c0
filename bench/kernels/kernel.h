/* Shared helpers of the benchmark kernels (bench/kernels/). Each kernel is
 * built twice from the same source: natively with gcc -O2 and to wasm32-wasi
 * with clang -O2, and scripts/bench-kernels compares the two. A kernel takes
 * one optional argument, its size (an integer whose meaning the kernel's
 * comment gives), and prints one line, "NAME size=N checksum=HEX", which must
 * be the same in both builds. Hot loops live in noinline functions of their
 * own, so engines that compile per function are compared fairly. */
#ifndef LVM_BENCH_KERNEL_H
#define LVM_BENCH_KERNEL_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define KERNEL_NOINLINE __attribute__((noinline))

/* The size: argv[1] if given (a positive integer), else the default. */
static inline long kernel_size(int argc, char **argv, long fallback) {
  if (argc < 2) return fallback;
  char *end;
  long v = strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || v <= 0) {
    fprintf(stderr, "usage: %s [SIZE]  (SIZE: a positive integer, default %ld)\n", argv[0], fallback);
    exit(2);
  }
  return v;
}

/* A 64-bit accumulator: folds values into a running checksum (splitmix64's
 * finalizer over h ^ v), so order and every bit matter. */
static inline uint64_t kernel_mix(uint64_t h, uint64_t v) {
  uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* A small deterministic generator (xorshift32) for input data. */
static inline uint32_t kernel_rand(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

/* Monotonic time in seconds (clock_gettime works natively and under WASI). */
static inline double kernel_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Prints the result line. With KERNEL_TIME set in the environment it also
 * prints the time spent since `start` to stderr (excludes process start-up
 * and, under a VM, module loading). */
static inline void kernel_report(const char *name, long size, uint64_t checksum, double start) {
  printf("%s size=%ld checksum=%016" PRIx64 "\n", name, size, checksum);
  if (getenv("KERNEL_TIME")) fprintf(stderr, "%s: %.1f ms in the kernel\n", name, (kernel_now() - start) * 1e3);
}

#endif
