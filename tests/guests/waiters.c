// The guest of test_waiter_memory.sh: `waiters N` spawns N processes that
// each tell the parent they are up and then wait in receive (the same
// process as bench/processes/procbench.c's `live` mode, linked the same way:
// a 1 MiB maximum memory, so each gets a small memory slot). It prints BASE
// and pauses 1 s before the spawns, and READY N once all N are up, so the
// test can read the VM's memory from /proc at both points; then it waits
// (at most 120 s) to be killed.
#include <lvm.h>
#include <stdio.h>
#include <stdlib.h>

static lvm_pid_t parent;
static lvm_msg_info info;

static void waiter(void) {
  lvm_args(&parent, sizeof parent);
  lvm_send(parent, 1, 0, 0);
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: waiters.wasm N\n");
    return 2;
  }
  const uint32_t n = (uint32_t)strtoul(argv[1], 0, 10);
  printf("BASE\n");
  fflush(stdout);
  lvm_sleep(1000000000);
  lvm_pid_t self = lvm_self(), pid;
  uint32_t up = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (lvm_spawn(waiter, &self, sizeof self, &pid) != LVM_OK) {
      fprintf(stderr, "waiters: spawn %u failed\n", i);
      return 1;
    }
    while (lvm_receive_any(LVM_NOWAIT, 0, 0, &info) == LVM_OK) up++;
  }
  while (up < n) {
    lvm_receive_any(LVM_INFINITY, 0, 0, &info);
    up++;
  }
  printf("READY %u\n", n);
  fflush(stdout);
  lvm_receive_any((int64_t)120 * 1000000000, 0, 0, &info);
  return 0;
}
