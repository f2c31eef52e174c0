// A ring of processes across lvm nodes (docs/distribution.md). Start the
// hosts, then the ring from a third node:
//
//   epmd -daemon
//   lvm run --name b@127.0.0.1 --cookie ring dist_ring.wasm serve &
//   lvm run --name c@127.0.0.1 --cookie ring dist_ring.wasm serve &
//   lvm run --name a@127.0.0.1 --cookie ring dist_ring.wasm ring 1000 b@127.0.0.1 c@127.0.0.1
//
// The ring node spawns one member on each node it is given (spawn_remote:
// this module travels to each node once, by its hash) and one on itself,
// each linked to the next, and sends a token around ROUNDS times; each hop
// crosses a node. Members are linked: if a host dies, the ring dies with
// it (noconnection) and the ring node says so instead of waiting forever.
#include <lvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TAG_TOKEN = 1, TAG_STOP = 2 };

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// A ring member: its arguments are the next member's pid as portable
// bytes (it may be on another node). Forwards the token, one more hop on
// it, until STOP.
static void member(void) {
  unsigned char next_bytes[128];
  const int n = lvm_args(next_bytes, sizeof next_bytes);
  lvm_pid_t next = 0;
  if (lvm_pid_decode(next_bytes, (size_t)n, &next) != LVM_OK) lvm_exit(2);
  lvm_link(next);
  for (;;) {
    uint64_t hops = 0;
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, &hops, sizeof hops, &info);
    if (info.tag == TAG_STOP) {
      lvm_send(next, TAG_STOP, 0, 0);
      return;
    }
    hops++;
    lvm_send(next, TAG_TOKEN, &hops, sizeof hops);
  }
}

static int ring(int rounds, int nhosts, char **hosts) {
  char self_name[256];
  const int len = lvm_node_self(self_name, sizeof self_name - 1);
  if (len <= 0) {
    fprintf(stderr, "dist_ring: run it with --name NAME@HOST (see the comment at the top)\n");
    return 2;
  }
  self_name[len] = 0;
  lvm_trap_exit(1);
  // Members in reverse order, each spawned with the pid of the next: the
  // last one's next is this process.
  lvm_pid_t next = lvm_self();
  const int members = nhosts + 1;
  for (int k = members - 1; k >= 0; k--) {
    const char *node = k < nhosts ? hosts[k] : self_name;
    unsigned char bytes[128];
    const int n = lvm_pid_encode(next, bytes, sizeof bytes);
    lvm_spawn_opts o = {.flags = LVM_SPAWN_LINK};
    lvm_pid_t pid = 0;
    const int32_t s = lvm_spawn_remote(node, member, bytes, (size_t)n, &o, &pid);
    if (s != LVM_OK) {
      printf("dist_ring: cannot spawn a member on %s: status %d\n", node, s);
      return 1;
    }
    next = pid;
  }
  const uint64_t t0 = now_ns();
  uint64_t hops = 0;
  for (int r = 0; r < rounds; r++) {
    lvm_send(next, TAG_TOKEN, &hops, sizeof hops);
    char buf[256];
    lvm_msg_info info;
    if (lvm_receive_any(30000000000LL, buf, sizeof buf - 1, &info) != LVM_OK) {
      printf("dist_ring: the token did not come back in 30 s\n");
      return 1;
    }
    if (info.tag == LVM_TAG_EXIT) {
      lvm_exit_info *e = (lvm_exit_info *)buf;
      printf("dist_ring: a member died (kind %d%s): the ring is broken\n", e->kind,
             e->kind == LVM_EXIT_NOCONNECTION ? ", noconnection" : "");
      return 1;
    }
    memcpy(&hops, buf, sizeof hops);
  }
  const double us = (double)(now_ns() - t0) / 1000.0;
  lvm_send(next, TAG_STOP, 0, 0);
  printf("dist_ring: %d rounds of a ring of %d members on %d nodes: %llu hops, %.1f us per hop\n", rounds, members,
         members, (unsigned long long)hops, us / (double)(hops ? hops : 1));
  return hops == (uint64_t)rounds * (uint64_t)members ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "serve")) {
    for (;;) {  // members come by remote spawn; this process only keeps the node up
      lvm_msg_info info;
      lvm_receive_any(LVM_INFINITY, 0, 0, &info);
    }
  }
  if (argc > 3 && !strcmp(argv[1], "ring")) return ring(atoi(argv[2]), argc - 3, argv + 3);
  fprintf(stderr, "usage: dist_ring.wasm serve | ring ROUNDS NODE...\n");
  return 2;
}
