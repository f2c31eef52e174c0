// The start-up benchmark's program (scripts/bench-startup): one line of
// output, built natively (gcc -O2) and for wasm32-wasi (clang -O2), so
// `lvm run hello.wasm` is compared with a native hello in the same run.
#include <stdio.h>

int main(void) {
  printf("Hello, world!\n");
  return 0;
}
