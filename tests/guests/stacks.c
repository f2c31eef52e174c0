// Execution stacks of processes (issue 17): a process starts on a small
// stack that moves to its large region when a call outgrows it. One
// scenario per argv[1]; each prints what it observed and exits 0 only if
// every expectation held (test_stacks.sh checks the output too):
//   deepwait  processes wait in receive, recurse 10,000 calls deep, wait
//             again, recurse again, while others wait and run beside them:
//             every result right
//   simd      a SIMD function waits in receive, then recurses 5,000 calls
//             deep with v128 values in its frames (which move with the
//             stack; in a JIT without SIMD it ran in the interpreter inside
//             compiled code, whose records and slots then moved): right
//             results
//   exhaust   unbounded recursion reaches the large region's depth (the
//             process reports its depth every 256 calls) and ends in the
//             trap `call stack exhausted`; the parent carries on
#include "guest_test.h"
#include <stdio.h>
#include <string.h>

static volatile uint32_t sink;
static volatile uint32_t limit = 0xffffffffu;

// n calls deep, not a tail call, and not a loop clang could make of it.
__attribute__((noinline)) static uint64_t down(uint32_t n) {
  if (n == 0) return 1;
  const uint64_t r = down(n - 1);
  return r * 3 + (n ^ (uint32_t)(r >> 7));
}

static uint64_t down_iter(uint32_t n) {
  uint64_t r = 1;
  for (uint32_t i = 1; i <= n; i++) r = r * 3 + (i ^ (uint32_t)(r >> 7));
  return r;
}

// ---- deepwait ----

enum { kDeep = 10000, kDeepers = 8 };

static void deeper(void) {
  const lvm_pid_t parent = arg_pid();
  lvm_msg_info info;
  uint32_t n;
  for (int round = 0; round < 2; round++) {
    lvm_receive_any(LVM_INFINITY, &n, sizeof n, &info);  // wait (shallow)
    const uint64_t r = down(n);                         // deep
    lvm_send(parent, 2, &r, sizeof r);
  }
  lvm_receive_any(LVM_INFINITY, &n, sizeof n, &info);  // and wait again, after
  lvm_send(parent, 3, &n, sizeof n);
}

static void idler(void) {
  lvm_msg_info info;
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);
}

static void deepwait(void) {
  lvm_pid_t self = lvm_self(), kids[kDeepers], idlers[64];
  for (int i = 0; i < 64; i++) CHECK(lvm_spawn(idler, 0, 0, &idlers[i]) == LVM_OK);
  for (int i = 0; i < kDeepers; i++) CHECK(lvm_spawn(deeper, &self, sizeof self, &kids[i]) == LVM_OK);
  lvm_sleep(10000000);  // all of them waiting now
  lvm_msg_info info;
  int right = 0;
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < kDeepers; i++) {
      const uint32_t n = kDeep + (uint32_t)i * 100 + (uint32_t)round;
      CHECK(lvm_send(kids[i], 1, &n, sizeof n) == LVM_OK);
    }
    for (int i = 0; i < kDeepers; i++) {
      uint64_t r = 0;
      CHECK(lvm_receive_any(LVM_INFINITY, &r, sizeof r, &info) == LVM_OK);
      int k = -1;
      for (int j = 0; j < kDeepers; j++)
        if (kids[j] == info.sender) k = j;
      CHECK(k >= 0);
      if (k >= 0 && r == down_iter(kDeep + (uint32_t)k * 100 + (uint32_t)round)) right++;
    }
    lvm_sleep(5000000);  // they wait again, after the deep calls
  }
  for (int i = 0; i < kDeepers; i++) {
    const uint32_t n = 7;
    CHECK(lvm_send(kids[i], 1, &n, sizeof n) == LVM_OK);
  }
  int again = 0;
  for (int i = 0; i < kDeepers; i++) {
    uint32_t n = 0;
    CHECK(lvm_receive_any(LVM_INFINITY, &n, sizeof n, &info) == LVM_OK);
    if (info.tag == 3 && n == 7) again++;
  }
  for (int i = 0; i < 64; i++) CHECK(lvm_kill(idlers[i]) == LVM_OK);
  CHECK(right == 2 * kDeepers);
  CHECK(again == kDeepers);
  printf("deepwait: %d of %d recursions %u calls deep right, after and between waits; %d woke again\n", right,
         2 * kDeepers, kDeep, again);
}

// ---- simd ----

typedef int32_t v4 __attribute__((vector_size(16)));

__attribute__((noinline, target("simd128"))) static v4 vdown(uint32_t n, v4 step) {
  if (n == 0) return step;
  const v4 r = vdown(n - 1, step);
  return r * 3 + (v4){(int32_t)n, 1, 2, 3};
}

__attribute__((noinline, target("simd128"))) static int32_t simd_child_work(lvm_pid_t parent) {
  lvm_msg_info info;
  uint32_t n = 0;
  lvm_receive_any(LVM_INFINITY, &n, sizeof n, &info);  // waits inside a SIMD function
  const v4 r = vdown(n, (v4){1, 1, 1, 1});
  const int32_t lane0 = r[0];
  lvm_send(parent, 4, &lane0, sizeof lane0);
  return lane0;
}

static void simd_child(void) { sink = (uint32_t)simd_child_work(arg_pid()); }

static void simd(void) {
  lvm_pid_t self = lvm_self(), kid;
  CHECK(lvm_spawn(simd_child, &self, sizeof self, &kid) == LVM_OK);
  lvm_sleep(5000000);
  const uint32_t n = 5000;
  CHECK(lvm_send(kid, 1, &n, sizeof n) == LVM_OK);
  int32_t got = 0;
  lvm_msg_info info;
  CHECK(lvm_receive_any(LVM_INFINITY, &got, sizeof got, &info) == LVM_OK);
  uint32_t want = 1;  // lane 0, wrapping
  for (uint32_t i = 1; i <= n; i++) want = want * 3u + i;
  CHECK((uint32_t)got == want);
  printf("simd: a SIMD function waited, then recursed %u calls deep: %s\n", n,
         (uint32_t)got == want ? "right" : "WRONG");
}

// ---- exhaust ----

static lvm_pid_t exhaust_parent;
static uint32_t report;  // (a static: a local whose address is taken would use the C stack in memory)

__attribute__((noinline)) static void dive(uint32_t d) {
  if (d == limit) return;
  if ((d & 255) == 0) {
    report = d;
    lvm_send(exhaust_parent, 5, &report, sizeof report);
  }
  dive(d + 1);
  sink += d;
}

static void diver(void) {
  exhaust_parent = arg_pid();
  dive(1);
}

static void exhaust(void) {
  lvm_pid_t self = lvm_self(), kid;
  lvm_spawn_opts opts = {LVM_SPAWN_MONITOR, 0, 0, 0};
  CHECK(lvm_spawn_opt(diver, &self, sizeof self, &opts, &kid) == LVM_OK);
  uint32_t deepest = 0;
  char buf[256];
  lvm_msg_info info;
  for (;;) {
    memset(buf, 0, sizeof buf);
    CHECK(lvm_receive_any(LVM_INFINITY, buf, sizeof buf - 1, &info) == LVM_OK);
    if (info.tag == 5) {
      uint32_t d;
      memcpy(&d, buf, sizeof d);
      if (d > deepest) deepest = d;
      continue;
    }
    CHECK(info.tag == LVM_TAG_DOWN);
    break;
  }
  lvm_exit_info down_info;
  memcpy(&down_info, buf, sizeof down_info);
  const char *reason = buf + sizeof down_info;
  CHECK(down_info.kind == LVM_EXIT_TRAP);
  CHECK(strstr(reason, "call stack exhausted") != 0);
  printf("exhaust: %u calls deep at least, then the trap: %s\n", deepest, reason);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: stacks.wasm deepwait|simd|exhaust\n");
    return 2;
  }
  if (!strcmp(argv[1], "deepwait")) deepwait();
  else if (!strcmp(argv[1], "simd")) simd();
  else if (!strcmp(argv[1], "exhaust")) exhaust();
  else {
    fprintf(stderr, "stacks: unknown scenario %s\n", argv[1]);
    return 2;
  }
  return failures ? 1 : 0;
}
