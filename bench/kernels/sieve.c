/* sieve: the sieve of Eratosthenes over 1 MiB of byte flags (primes below
 * 2^20), repeated; measures byte loads and stores in tight loops.
 * SIZE: the number of passes (default 60). */
#include "kernel.h"
#include <string.h>

#define LIMIT (1u << 20)
static uint8_t composite[LIMIT];

/* Returns the number of primes below LIMIT and folds their sum into *sum. */
KERNEL_NOINLINE uint32_t sieve(uint8_t *flags, uint32_t limit, uint64_t *sum) {
  memset(flags, 0, limit);
  for (uint32_t i = 2; i * i < limit; i++)
    if (!flags[i])
      for (uint32_t j = i * i; j < limit; j += i) flags[j] = 1;
  uint32_t count = 0;
  uint64_t s = 0;
  for (uint32_t i = 2; i < limit; i++)
    if (!flags[i]) {
      count++;
      s += i;
    }
  *sum = s;
  return count;
}

int main(int argc, char **argv) {
  long passes = kernel_size(argc, argv, 60);
  double start = kernel_now();
  uint64_t h = 0;
  for (long p = 0; p < passes; p++) {
    uint64_t sum;
    /* Vary the limit a little so no pass can be hoisted out of the loop. */
    uint32_t count = sieve(composite, LIMIT - (uint32_t)(p & 7), &sum);
    h = kernel_mix(h, count);
    h = kernel_mix(h, sum);
  }
  kernel_report("sieve", passes, h, start);
  return 0;
}
