// ping-pong: the root process spawns a partner and they bounce a message
// back and forth N times (default 100000); prints the round-trip time.
//   lvm run pingpong.wasm [N]
#include <lvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { TAG_PING = 1, TAG_PONG = 2, TAG_STOP = 3 };

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

// The partner: answers every ping with a pong carrying the same counter,
// until told to stop. Its parent's pid comes as the spawn argument.
static void ponger(void) {
  lvm_pid_t parent;
  if (lvm_args(&parent, sizeof parent) != sizeof parent) lvm_exit(1);
  for (;;) {
    uint32_t n;
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, &n, sizeof n, &info);
    if (info.tag == TAG_STOP) return;
    lvm_send(info.sender, TAG_PONG, &n, sizeof n);
  }
}

int main(int argc, char **argv) {
  const uint32_t rounds = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : 100000;
  lvm_pid_t self = lvm_self(), partner;
  if (lvm_spawn(ponger, &self, sizeof self, &partner) != LVM_OK) {
    fprintf(stderr, "pingpong: spawn failed\n");
    return 1;
  }
  const double t0 = now_s();
  for (uint32_t i = 0; i < rounds; i++) {
    lvm_send(partner, TAG_PING, &i, sizeof i);
    uint32_t back = 0;
    lvm_msg_info info;
    const int64_t pong = TAG_PONG;
    lvm_receive(&pong, 1, LVM_INFINITY, &back, sizeof back, &info);
    if (back != i || info.sender != partner) {
      fprintf(stderr, "pingpong: round %u came back as %u\n", i, back);
      return 1;
    }
  }
  const double dt = now_s() - t0;
  lvm_send(partner, TAG_STOP, 0, 0);
  printf("pingpong: %u round trips between two processes\n", rounds);
  printf("pingpong: %.0f ns per round trip\n", rounds ? dt * 1e9 / rounds : 0.0);
  return 0;
}
