// spawn storm: spawns N children (default 100000) that each send one reply
// to the root and end; prints the time per spawn + reply + exit.
//   lvm run spawn_storm.wasm [N]
#include <lvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

// A child: replies with its index to the root, then ends.
static void child(void) {
  struct {
    lvm_pid_t root;
    uint32_t index;
  } a;
  if (lvm_args(&a, sizeof a) != sizeof a) lvm_exit(1);
  lvm_send(a.root, 1, &a.index, sizeof a.index);
}

int main(int argc, char **argv) {
  const uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : 100000;
  struct {
    lvm_pid_t root;
    uint32_t index;
  } a = {lvm_self(), 0};
  const double t0 = now_s();
  uint64_t sum = 0;
  uint32_t received = 0;
  for (uint32_t i = 0; i < n; i++) {
    a.index = i;
    lvm_pid_t pid;
    if (lvm_spawn(child, &a, sizeof a, &pid) != LVM_OK) {
      fprintf(stderr, "spawn_storm: spawn %u failed\n", i);
      return 1;
    }
    // Collect replies that are already there, so few children pile up.
    uint32_t index;
    lvm_msg_info info;
    while (lvm_receive_any(LVM_NOWAIT, &index, sizeof index, &info) == LVM_OK) {
      sum += index;
      received++;
    }
  }
  while (received < n) {
    uint32_t index;
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, &index, sizeof index, &info);
    sum += index;
    received++;
  }
  const double dt = now_s() - t0;
  const uint64_t want = (uint64_t)n * (n - 1) / 2;
  printf("spawn_storm: %u children spawned, replied and exited; replies %s\n", n,
         sum == want ? "all present" : "WRONG");
  printf("spawn_storm: %.0f ns per child\n", dt * 1e9 / n);
  return sum == want ? 0 : 1;
}
