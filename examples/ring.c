// ring: N processes in a ring pass a token around M times (defaults 1000
// and 100); prints the time per hop.
//   lvm run ring.wasm [N] [M]
#include <lvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { TAG_TOKEN = 1, TAG_STOP = 2 };

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

// A ring member: forwards every message to the next process; a stop
// message is forwarded too, then the member ends.
static void member(void) {
  lvm_pid_t next;
  if (lvm_args(&next, sizeof next) != sizeof next) lvm_exit(1);
  for (;;) {
    uint64_t token;
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, &token, sizeof token, &info);
    lvm_send(next, info.tag, &token, sizeof token);
    if (info.tag == TAG_STOP) return;
  }
}

int main(int argc, char **argv) {
  const uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : 1000;
  const uint32_t m = argc > 2 ? (uint32_t)strtoul(argv[2], 0, 10) : 100;
  if (n < 1) return 2;
  // Built backwards: the last member sends to the root, each other to the
  // member spawned before it.
  lvm_pid_t next = lvm_self();
  for (uint32_t i = 0; i < n; i++) {
    lvm_pid_t p;
    if (lvm_spawn(member, &next, sizeof next, &p) != LVM_OK) {
      fprintf(stderr, "ring: spawn %u failed\n", i);
      return 1;
    }
    next = p;
  }
  const double t0 = now_s();
  uint64_t token = 0;
  for (uint32_t round = 0; round < m; round++) {
    lvm_send(next, TAG_TOKEN, &token, sizeof token);
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, &token, sizeof token, &info);
    token++;
  }
  const double dt = now_s() - t0;
  lvm_send(next, TAG_STOP, &token, sizeof token);
  lvm_msg_info info;
  lvm_receive_any(LVM_INFINITY, &token, sizeof token, &info);  // the stop, back around
  printf("ring: %u processes passed a token around %u times (%llu hops)\n", n, m,
         (unsigned long long)n * m + m);
  printf("ring: %.0f ns per hop\n", dt * 1e9 / ((double)n * m + m));
  return token == m ? 0 : 1;
}
