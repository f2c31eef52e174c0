/* matmul: C = A * B over n x n matrices of doubles (i-k-j loop order);
 * measures f64 multiply-add and row-major array walks. The entries are
 * multiples of 1/8 small enough that every sum is exact, so the checksum is
 * independent of rounding and summation order.
 * SIZE: n (default 600). */
#include "kernel.h"

KERNEL_NOINLINE void matmul(int n, const double *a, const double *b, double *c) {
  for (int i = 0; i < n; i++) {
    double *ci = c + (long)i * n;
    for (int j = 0; j < n; j++) ci[j] = 0.0;
    for (int k = 0; k < n; k++) {
      double aik = a[(long)i * n + k];
      const double *bk = b + (long)k * n;
      for (int j = 0; j < n; j++) ci[j] += aik * bk[j];
    }
  }
}

KERNEL_NOINLINE void fill(int n, double *a, double *b) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      a[(long)i * n + j] = (double)((i * 7 + j * 3) % 17 - 8) * 0.125;
      b[(long)i * n + j] = (double)((i * 5 + j * 11) % 13 - 6) * 0.125;
    }
}

KERNEL_NOINLINE uint64_t checksum(int n, const double *c) {
  uint64_t h = 0;
  for (long i = 0; i < (long)n * n; i++) h = kernel_mix(h, (uint64_t)(int64_t)(c[i] * 64.0));
  return h;
}

int main(int argc, char **argv) {
  long n = kernel_size(argc, argv, 600);
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n),
         *c = malloc(sizeof(double) * n * n);
  if (!a || !b || !c) {
    fprintf(stderr, "matmul: out of memory\n");
    return 1;
  }
  double start = kernel_now();
  fill((int)n, a, b);
  matmul((int)n, a, b, c);
  kernel_report("matmul", n, checksum((int)n, c), start);
  free(a);
  free(b);
  free(c);
  return 0;
}
