// trap: prints a line, then traps on purpose so you can see lvm report it:
// `lvm: error: trap.wasm: wasm trap: ...`, a wasm backtrace with function
// names from the name section, and exit code 134.
//   trap            integer division by zero in divide()
//   trap null       a call through a null function pointer in call_through()
//   trap unreachable  __builtin_trap() (the `unreachable` instruction) in give_up()
//   trap oob        a load far beyond linear memory in peek()
//   trap recurse    unbounded recursion in descend(): call stack exhausted
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// The divisor comes from a volatile so the compiler cannot see it is zero.
static volatile int zero = 0;

__attribute__((noinline)) int divide(int a, int b) { return a / b; }

typedef int (*unary_fn)(int);
static unary_fn volatile null_fn = 0;

__attribute__((noinline)) int call_through(unary_fn f, int x) { return f(x) + 1; }

__attribute__((noinline)) void give_up(void) { __builtin_trap(); }

static volatile uintptr_t far_away = 0xFFFFFFF0u;
__attribute__((noinline)) int peek(void) { return *(volatile int*)far_away; }

static volatile int no_limit = 0x7FFFFFFF;
static volatile int sink;
__attribute__((noinline)) int descend(int depth) {
  if (depth >= no_limit) return 0;
  const int r = descend(depth + 1);
  sink = r;  // work after the call: not a loop in disguise
  return r + depth;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "divide";
  printf("trap: about to trap (%s)\n", mode);
  fflush(stdout);
  int r;
  if (strcmp(mode, "null") == 0) {
    r = call_through(null_fn, 41);
  } else if (strcmp(mode, "oob") == 0) {
    r = peek();
  } else if (strcmp(mode, "recurse") == 0) {
    r = descend(0);
  } else if (strcmp(mode, "unreachable") == 0) {
    give_up();
    r = 0;
  } else {
    r = divide(42, zero);
  }
  printf("trap: still running (%d); this should not happen\n", r);
  return 0;
}
