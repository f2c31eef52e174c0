// Distribution scenarios (docs/distribution.md), one per argv[1]; run by
// test_dist.sh on nodes it starts with their own epmd:
//   echo NAME          registers NAME and answers every message to its
//                      sender with the same tag and bytes (tag 1: stop);
//                      also runs "victim", which traps on tag 66
//   mesh N PEER...     registers "mesh", sends N numbered messages to
//                      {mesh, PEER} of every peer and checks it gets N from
//                      each, in order; exits once every peer has all of its
//   ping NODE N        N round trips to {echo, NODE}, each answer checked
//   once NODE          one message to {echo, NODE}: prints whether an answer came
//   linktrap NODE      a child links to {victim, NODE} and makes it trap: the
//                      child dies of it, with the reason from the other node
//   watch NODE         3 children link to and monitor {echo, NODE}; when that
//                      node dies each gets EXIT and DOWN with noconnection
//   erl NODE           talks with an Erlang process registered as erl_echo on NODE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../guests/guest_test.h"

enum { TAG_STOP = 1, TAG_DATA = 10, TAG_DONE = 11, TAG_HELLO = 100, TAG_READY = 101, TAG_REPORT = 102, TAG_TRAP = 66 };

static char node_buf[256];
static const char *self_node(void) {
  int n = lvm_node_self(node_buf, sizeof node_buf - 1);
  node_buf[n > 0 ? n : 0] = 0;
  return node_buf;
}

static int32_t send_to(const char *node, const char *name, int64_t tag, const void *data, size_t len) {
  return lvm_send_named(node, strlen(node), name, strlen(name), tag, data, len);
}

// The pid of {name, node}: HELLO until it answers (the node may not be up yet).
static lvm_pid_t hello(const char *node, const char *name) {
  for (int k = 0; k < 300; k++) {
    send_to(node, name, TAG_HELLO, 0, 0);
    const int64_t tags[] = {TAG_HELLO};
    lvm_msg_info info;
    if (lvm_receive(tags, 1, 100000000, 0, 0, &info) == LVM_OK) return info.sender;
  }
  printf("FAILED: no answer from {%s, %s}\n", name, node);
  exit(1);
}

static void victim(void) {
  lvm_register("victim", 6);
  for (;;) {
    lvm_msg_info info;
    char buf[64];
    lvm_receive_any(LVM_INFINITY, buf, sizeof buf, &info);
    if (info.tag == TAG_TRAP) __builtin_trap();
    lvm_send(info.sender, info.tag, buf, info.copied);
  }
}

static void echo(const char *name) {
  lvm_pid_t v;
  lvm_spawn(victim, 0, 0, &v);
  if (lvm_register(name, strlen(name)) != LVM_OK) {
    printf("FAILED: register %s\n", name);
    exit(1);
  }
  printf("echo %s on %s\n", name, self_node());
  fflush(stdout);
  static char buf[1 << 16];
  for (;;) {
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, buf, sizeof buf, &info);
    if (info.tag == LVM_TAG_TERM) {
      printf("echo: an Erlang term of %u bytes\n", info.size);
      fflush(stdout);
      continue;
    }
    lvm_send(info.sender, info.tag, buf, info.copied);
    if (info.tag == TAG_STOP) exit(0);
  }
}

// ---- mesh ----

// Its arguments: the count (4 bytes), then the peer's name.
static void mesh_sender(void) {
  char args[260] = {0};
  lvm_args(args, sizeof args - 1);
  uint32_t n;
  memcpy(&n, args, 4);
  for (uint32_t k = 0; k < n; k++) send_to(args + 4, "mesh", TAG_DATA, &k, sizeof k);
}

static void mesh(int n, int npeers, char **peers) {
  lvm_register("mesh", 4);
  int acked[8] = {0}, done[8] = {0}, got[8] = {0};
  lvm_pid_t from[8] = {0};
  int nacked = 0, ndone = 0, ncomplete = 0, errors = 0;
  char name[256];
  for (int round = 0; ncomplete < npeers || ndone < npeers; round++) {
    if (nacked < npeers)
      for (int p = 0; p < npeers; p++)
        if (!acked[p]) send_to(peers[p], "mesh", TAG_HELLO, self_node(), strlen(self_node()));
    lvm_msg_info info;
    char buf[256];
    if (lvm_receive_any(nacked < npeers ? 100000000 : 60000000000LL, buf, sizeof buf - 1, &info) != LVM_OK) {
      if (nacked == npeers) {
        printf("FAILED: mesh stalled: %d of %d peers complete\n", ncomplete, npeers);
        exit(1);
      }
      continue;
    }
    int len = lvm_pid_node(info.sender, name, sizeof name - 1);
    name[len > 0 ? len : 0] = 0;
    int p = 0;
    while (p < npeers && strcmp(peers[p], name)) p++;
    if (p == npeers) {
      printf("FAILED: a message from unknown node %s\n", name);
      exit(1);
    }
    if (info.tag == TAG_HELLO) {
      lvm_send(info.sender, TAG_READY, 0, 0);  // to its root
    } else if (info.tag == TAG_READY) {
      if (!acked[p]) {
        acked[p] = 1;
        nacked++;
        char args[260];
        const uint32_t count = (uint32_t)n;
        memcpy(args, &count, 4);
        strncpy(args + 4, peers[p], 255);
        lvm_pid_t s;
        lvm_spawn(mesh_sender, args, 4 + strlen(peers[p]), &s);
      }
    } else if (info.tag == TAG_DATA) {
      uint32_t seq;
      memcpy(&seq, buf, 4);
      if (from[p] == 0) from[p] = info.sender;
      if (info.sender != from[p] || seq != (uint32_t)got[p]) errors++;
      if (++got[p] == n) {
        ncomplete++;
        send_to(peers[p], "mesh", TAG_DONE, 0, 0);
      }
    } else if (info.tag == TAG_DONE) {
      if (!done[p]) {
        done[p] = 1;
        ndone++;
      }
    }
  }
  if (errors) printf("FAILED: %d messages out of order\n", errors);
  else printf("mesh ok: %d messages from each of %d peers, in order, and each peer got all of ours\n", n, npeers);
  fflush(stdout);
  exit(errors ? 1 : 0);
}

// ---- ping ----

static void ping(const char *node, int n) {
  lvm_pid_t echo_pid = hello(node, "echo");
  for (int k = 0; k < n; k++) {
    uint32_t v = (uint32_t)k * 2654435761u, back = 0;
    lvm_send(echo_pid, TAG_DATA, &v, sizeof v);
    lvm_msg_info info;
    const int64_t tags[] = {TAG_DATA};
    if (lvm_receive(tags, 1, 10000000000LL, &back, sizeof back, &info) != LVM_OK || back != v ||
        info.sender != echo_pid) {
      printf("FAILED: round trip %d\n", k);
      exit(1);
    }
  }
  printf("ping ok: %d round trips\n", n);
}

static void once(const char *node) {
  send_to(node, "echo", TAG_HELLO, "x", 1);
  lvm_msg_info info;
  if (lvm_receive_any(3000000000LL, 0, 0, &info) == LVM_OK) printf("once: an answer came\n");
  else printf("once: no answer\n");
}

// ---- links and monitors across nodes ----

static void linker(void) {
  lvm_pid_t v[2];  // the victim, the root
  lvm_args(v, sizeof v);
  lvm_link(v[0]);
  lvm_send(v[0], TAG_TRAP, 0, 0);
  lvm_msg_info info;
  lvm_receive_any(20000000000LL, 0, 0, &info);
  printf("FAILED: the linked child is alive 20 s after its partner trapped\n");
  fflush(stdout);
}

static void linktrap(const char *node) {
  lvm_pid_t v[2] = {hello(node, "victim"), lvm_self()};
  lvm_pid_t child;
  lvm_spawn_opts opts = {.flags = LVM_SPAWN_MONITOR};
  lvm_spawn_opt(linker, v, sizeof v, &opts, &child);
  char buf[256];
  lvm_msg_info info;
  const int64_t tags[] = {LVM_TAG_DOWN};
  CHECK(lvm_receive(tags, 1, 30000000000LL, buf, sizeof buf - 1, &info) == LVM_OK);
  lvm_exit_info *e = (lvm_exit_info *)buf;
  buf[info.copied] = 0;
  printf("linktrap: the child died of its remote partner's exit (kind %d, \"%s\")\n", e->kind,
         buf + sizeof(lvm_exit_info));
  CHECK(e->pid == child && e->kind == LVM_EXIT_TRAP && !strcmp(buf + sizeof(lvm_exit_info), "unreachable"));
}

static void watcher(void) {
  lvm_pid_t v[2];  // the remote echo, the root
  lvm_args(v, sizeof v);
  lvm_trap_exit(1);
  uint64_t ref;
  CHECK(lvm_link(v[0]) == LVM_OK);
  CHECK(lvm_monitor(v[0], &ref) == LVM_OK);
  lvm_send(v[1], TAG_READY, 0, 0);
  int exits = 0, downs = 0;
  while (exits + downs < 2) {
    char buf[128];
    lvm_msg_info info;
    const int64_t tags[] = {LVM_TAG_EXIT, LVM_TAG_DOWN};
    if (lvm_receive(tags, 2, 60000000000LL, buf, sizeof buf, &info) != LVM_OK) break;
    lvm_exit_info *e = (lvm_exit_info *)buf;
    if (e->pid == v[0] && e->kind == LVM_EXIT_NOCONNECTION) {
      if (info.tag == LVM_TAG_EXIT) exits++;
      else if (e->ref == ref) downs++;
    }
  }
  int32_t report = exits * 10 + downs;
  lvm_send(v[1], TAG_REPORT, &report, sizeof report);
}

static void watch(const char *node) {
  lvm_pid_t v[2] = {hello(node, "echo"), lvm_self()};
  CHECK(lvm_monitor_node(node, strlen(node), 1) == LVM_OK);
  for (int k = 0; k < 3; k++) {
    lvm_pid_t c;
    lvm_spawn(watcher, v, sizeof v, &c);
  }
  lvm_msg_info info;
  for (int k = 0; k < 3; k++) {
    const int64_t tags[] = {TAG_READY};
    CHECK(lvm_receive(tags, 1, 30000000000LL, 0, 0, &info) == LVM_OK);
  }
  printf("watch: ready\n");
  fflush(stdout);
  int good = 0;
  for (int k = 0; k < 3; k++) {
    int32_t report = 0;
    const int64_t tags[] = {TAG_REPORT};
    if (lvm_receive(tags, 1, 60000000000LL, &report, sizeof report, &info) == LVM_OK && report == 11) good++;
  }
  const int64_t tags[] = {LVM_TAG_NODEDOWN};
  char name[256] = {0};
  const int nodedown = lvm_receive(tags, 1, 10000000000LL, name, sizeof name - 1, &info) == LVM_OK;
  printf("watch: %d of 3 children got EXIT and DOWN with noconnection; nodedown %s\n", good, nodedown ? name : "missing");
  CHECK(good == 3 && nodedown && !strcmp(name, node));
}

// ---- Erlang ----

static void erl(const char *node) {
  lvm_register("lvm_peer", 8);
  // Our pid for Erlang, as a term it can binary_to_term.
  unsigned char pid_bytes[128];
  int n = lvm_pid_encode(lvm_self(), pid_bytes, sizeof pid_bytes);
  CHECK(n > 0 && n <= (int)sizeof pid_bytes && pid_bytes[0] == 131);
  lvm_pid_t back = 0;
  CHECK(lvm_pid_decode(pid_bytes, (size_t)n, &back) == LVM_OK && back == lvm_self());
  for (int k = 0; k < 300; k++) {  // erl_echo may not be up yet
    send_to(node, "erl_echo", 7, pid_bytes, (size_t)n);
    const int64_t tags[] = {8};
    char buf[256];
    lvm_msg_info info;
    if (lvm_receive(tags, 1, 100000000, buf, sizeof buf - 1, &info) == LVM_OK) {
      buf[info.copied] = 0;
      char where[256] = {0};
      lvm_pid_node(info.sender, where, sizeof where - 1);
      printf("erl: {8, <<\"%s\">>} from an Erlang process\n", buf);
      break;
    }
  }
  char buf[256];
  lvm_msg_info info;
  const int64_t by_name[] = {9};
  CHECK(lvm_receive(by_name, 1, 10000000000LL, buf, sizeof buf - 1, &info) == LVM_OK);
  buf[info.copied] = 0;
  printf("erl: {9, <<\"%s\">>} sent to {lvm_peer, node}\n", buf);
  const int64_t term[] = {LVM_TAG_TERM};
  CHECK(lvm_receive(term, 1, 10000000000LL, buf, sizeof buf, &info) == LVM_OK);
  // term_to_binary({hello, [1,2,3]}): 131, SMALL_TUPLE 2, atom hello, ...
  CHECK(info.copied > 8 && (unsigned char)buf[0] == 131 && buf[1] == 104 && buf[2] == 2 && !memcmp(buf + 5, "hello", 5));
  printf("erl: another term arrived as LVM_TAG_TERM with its %u bytes\n", info.size);
  CHECK(send_to(node, "erl_echo", 12, "bye", 3) == LVM_OK);
  const int64_t ack[] = {13};
  CHECK(lvm_receive(ack, 1, 10000000000LL, buf, sizeof buf, &info) == LVM_OK);
  printf("erl: done\n");
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "echo") && argc > 2) echo(argv[2]);
  else if (!strcmp(what, "mesh") && argc > 3) mesh(atoi(argv[2]), argc - 3, argv + 3);
  else if (!strcmp(what, "ping") && argc > 3) ping(argv[2], atoi(argv[3]));
  else if (!strcmp(what, "once") && argc > 2) once(argv[2]);
  else if (!strcmp(what, "linktrap") && argc > 2) linktrap(argv[2]);
  else if (!strcmp(what, "watch") && argc > 2) watch(argv[2]);
  else if (!strcmp(what, "erl") && argc > 2) erl(argv[2]);
  else {
    fprintf(stderr, "usage: dist.wasm echo NAME | mesh N PEER... | ping NODE N | once NODE | linktrap NODE | watch NODE | erl NODE\n");
    return 2;
  }
  fflush(stdout);
  return failures ? 1 : 0;
}
