/* fib: doubly recursive Fibonacci; measures calls and returns.
 * SIZE: n, computes fib(n) (default 38). */
#include "kernel.h"

KERNEL_NOINLINE uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
  long n = kernel_size(argc, argv, 38);
  double start = kernel_now();
  uint32_t r = fib((uint32_t)n);
  kernel_report("fib", n, kernel_mix(0, r), start);
  return 0;
}
