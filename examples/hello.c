// The first guest program: prints a greeting and its arguments.
// Built with clang for wasm32-wasi (see examples/CMakeLists.txt).
#include <stdio.h>

int main(int argc, char** argv) {
  printf("Hello from lvm!\n");
  for (int i = 1; i < argc; ++i) printf("  arg %d: %s\n", i, argv[i]);
  return 0;
}
