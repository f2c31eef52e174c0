// Distribution scenarios (docs/distribution.md), one per argv[1]; run by
// test_dist.sh on nodes it starts with their own epmd:
//   echo NAME          registers NAME and answers every message to its
//                      sender with the same tag and bytes (tag 1: stop);
//                      also runs "victim", which traps on tag 66
//   mesh N PEER...     registers "mesh", sends N numbered messages to
//                      {mesh, PEER} of every peer and checks it gets N from
//                      each, in order; exits once every peer has all of its;
//                      fails if a connection to a peer that answered is lost
//                      before all of its messages came
//   ping NODE N        N round trips to {echo, NODE}, each answer checked
//   once NODE          one message to {echo, NODE}: prints whether an answer came
//   linktrap NODE      a child links to {victim, NODE} and makes it trap: the
//                      child dies of it, with the reason from the other node
//   watch NODE         3 children link to and monitor {echo, NODE}; when that
//                      node dies each gets EXIT and DOWN with noconnection
//   erl NODE           talks with an Erlang process registered as erl_echo on NODE
//   rspawn NODE NAME   remote spawns on NODE (whose process NAME echoes):
//                      with arguments and a result, linked (the partner
//                      dies of the child's trap, or gets EXIT if it traps
//                      exits), monitored; whereis_remote; an unreachable node
//   rspawn-status NODE one remote spawn: prints the status it returned
//   badptr             every node function with a wild pointer: each traps
//                      only the calling process
//   settle NODE        registers "settle" and sends to {settle, NODE}, which
//                      connects; expects "1" and "2" from NODE (lvm-dist-peer
//                      simultaneous, which connects back meanwhile), prints
//                      the order they came in and answers the sender
//   busy               4 processes that compute forever (the first registered
//                      as "spin"): every worker is busy, none waits for input
//   killbusy NODE      whereis_remote {spin, NODE}, then 3,000 messages to it,
//                      one a millisecond (the busy node's I/O thread reads
//                      them, ticking meanwhile: the connection must not be
//                      taken for silent), then monitor and kill it: the busy
//                      node still reads them (its I/O thread's fallback)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../guests/guest_test.h"

enum { TAG_STOP = 1, TAG_DATA = 10, TAG_DONE = 11, TAG_HELLO = 100, TAG_READY = 101, TAG_REPORT = 102, TAG_TRAP = 66,
       TAG_RESULT = 103 };

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

// Registered as "sink": counts TAG_DATA messages; TAG_DONE answers the
// count (4 bytes) to its sender and starts again (scripts/bench-dist).
static void sink(void) {
  lvm_register("sink", 4);
  uint32_t n = 0;
  for (;;) {
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, 0, 0, &info);
    if (info.tag == TAG_DATA) {
      n++;
    } else if (info.tag == TAG_DONE) {
      lvm_send(info.sender, TAG_DONE, &n, sizeof n);
      n = 0;
    }
  }
}

static void echo(const char *name) {
  lvm_pid_t v;
  lvm_spawn(victim, 0, 0, &v);
  lvm_spawn(sink, 0, 0, &v);
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
  // A connection to a peer lost once the peer answered and before all of
  // its messages came is a failure (its messages were lost with it): the
  // settling of two nodes connecting to each other at once must not close
  // one either side sends on.
  for (int p = 0; p < npeers; p++) CHECK(lvm_monitor_node(peers[p], strlen(peers[p]), 1) == LVM_OK);
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
    if (info.tag == LVM_TAG_NODEUP || info.tag == LVM_TAG_NODEDOWN) {
      buf[info.copied] = 0;
      for (int p = 0; p < npeers; p++)
        if (!strcmp(peers[p], buf) && info.tag == LVM_TAG_NODEDOWN && acked[p] && got[p] < n) {
          printf("FAILED: the connection to %s was lost after %d of its messages\n", buf, got[p]);
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

// Benchmarks (scripts/bench-dist): N timed round trips to {echo, NODE},
// and N one-way messages to {sink, NODE} then its count.
static void rtt(const char *node, int n) {
  lvm_pid_t echo_pid = hello(node, "echo");
  uint32_t v = 0;
  for (int k = 0; k < 1000; k++) {  // warm-up
    lvm_send(echo_pid, TAG_DATA, &v, sizeof v);
    lvm_msg_info info;
    lvm_receive_any(10000000000LL, &v, sizeof v, &info);
  }
  const uint64_t t0 = now_ns();
  for (int k = 0; k < n; k++) {
    lvm_send(echo_pid, TAG_DATA, &v, sizeof v);
    lvm_msg_info info;
    if (lvm_receive_any(10000000000LL, &v, sizeof v, &info) != LVM_OK) {
      printf("FAILED: round trip %d\n", k);
      exit(1);
    }
  }
  printf("RESULT rtt_ns %.1f\n", (double)(now_ns() - t0) / n);
}

static void flood(const char *node, int n) {
  lvm_pid_t sink_pid = 0;
  if (lvm_whereis_remote(node, strlen(node), "sink", 4, &sink_pid) != LVM_OK) {
    printf("FAILED: no sink on %s\n", node);
    exit(1);
  }
  const uint64_t t0 = now_ns();
  for (uint64_t k = 0; k < (uint64_t)n; k++) lvm_send(sink_pid, TAG_DATA, &k, sizeof k);
  lvm_send(sink_pid, TAG_DONE, 0, 0);
  uint32_t count = 0;
  lvm_msg_info info;
  const int64_t tags[] = {TAG_DONE};
  if (lvm_receive(tags, 1, 60000000000LL, &count, sizeof count, &info) != LVM_OK || count != (uint32_t)n) {
    printf("FAILED: the sink counted %u of %d\n", count, n);
    exit(1);
  }
  printf("RESULT throughput_mps %.0f\n", (double)n / ((double)(now_ns() - t0) / 1e9));
}

// burst: n messages to {collect, node}, then the root returns at once (its
// node exits with them still queued or in the socket). collect: waits for
// n of them, in order.
static void burst(const char *node, int n) {
  uint64_t payload[8] = {0};
  for (int k = 0; k < n; k++) {
    payload[0] = (uint64_t)k;
    send_to(node, "collect", TAG_DATA, payload, sizeof payload);
  }
}

static void collect(int n) {
  lvm_register("collect", 7);
  printf("collect up\n");
  fflush(stdout);
  for (int k = 0; k < n; k++) {
    uint64_t payload[8];
    lvm_msg_info info;
    if (lvm_receive_any(30000000000LL, payload, sizeof payload, &info) != LVM_OK) {
      printf("FAILED: collect got %d of %d\n", k, n);
      exit(1);
    }
    if (payload[0] != (uint64_t)k) {
      printf("FAILED: collect: message %d carries %llu\n", k, (unsigned long long)payload[0]);
      exit(1);
    }
  }
  printf("collect ok: %d messages\n", n);
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
  lvm_pid_t erl_sender = 0;  // who sent {8, ...} (Erlang sends it: DFLAG_SEND_SENDER)
  for (int k = 0; k < 300; k++) {  // erl_echo may not be up yet
    send_to(node, "erl_echo", 7, pid_bytes, (size_t)n);
    const int64_t tags[] = {8};
    char buf[256];
    lvm_msg_info info;
    if (lvm_receive(tags, 1, 100000000, buf, sizeof buf - 1, &info) == LVM_OK) {
      buf[info.copied] = 0;
      char where[256] = {0};
      lvm_pid_node(info.sender, where, sizeof where - 1);
      erl_sender = info.sender;
      printf("erl: {8, <<\"%s\">>} from an Erlang process\n", buf);
      printf("erl: its sender is a pid on %s\n", where);
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
  lvm_pid_t erl_pid = 0;
  const int32_t w = lvm_whereis_remote(node, strlen(node), "erl_echo", 8, &erl_pid);
  char where[256] = {0};
  lvm_pid_node(erl_pid, where, sizeof where - 1);
  printf("erl: whereis_remote {erl_echo, node}: status %d, a pid on %s\n", w, where);
  CHECK(w == LVM_OK && !strcmp(where, node));
  printf("erl: the sender of {8, ...} is erl_echo: %s\n", erl_sender && erl_sender == erl_pid ? "yes" : "no");
  CHECK(lvm_whereis_remote(node, strlen(node), "no_such_name", 12, &erl_pid) == LVM_ENOTFOUND);
  // The answer goes to the sender itself, not to its name.
  CHECK(lvm_send(erl_sender, 12, "bye", 3) == LVM_OK);
  const int64_t ack[] = {13};
  CHECK(lvm_receive(ack, 1, 10000000000LL, buf, sizeof buf, &info) == LVM_OK);
  printf("erl: done\n");
}

// ---- remote spawn ----

// Its arguments: a and b (4 bytes each), then the parent's pid as
// portable bytes. Sends {a + b, the node it runs on} to the parent.
static void adder(void) {
  unsigned char args[128];
  const int n = lvm_args(args, sizeof args);
  int32_t ab[2];
  memcpy(ab, args, 8);
  lvm_pid_t parent = 0;
  if (lvm_pid_decode(args + 8, (size_t)(n - 8), &parent) != LVM_OK) __builtin_trap();
  struct {
    int32_t sum;
    char node[200];
  } out;
  out.sum = ab[0] + ab[1];
  const int len = lvm_node_self(out.node, sizeof out.node);
  lvm_send(parent, TAG_RESULT, &out, 4 + (size_t)len);
}

static void trapper(void) { __builtin_trap(); }
static void exiter(void) { lvm_exit(7); }

// A remote sum: spawns adder on node and checks the answer.
static int remote_sum(const char *node, int32_t a, int32_t b) {
  unsigned char args[128];
  memcpy(args, &a, 4);
  memcpy(args + 4, &b, 4);
  const int n = lvm_pid_encode(lvm_self(), args + 8, sizeof args - 8);
  lvm_pid_t child = 0;
  const int32_t s = lvm_spawn_remote(node, adder, args, 8 + (size_t)n, 0, &child);
  if (s != LVM_OK) {
    printf("FAILED: spawn_remote on %s: status %d\n", node, s);
    return -1;
  }
  char where[256] = {0};
  lvm_pid_node(child, where, sizeof where - 1);
  CHECK(!strcmp(where, node));
  struct {
    int32_t sum;
    char node[200];
  } in;
  memset(&in, 0, sizeof in);
  lvm_msg_info info;
  const int64_t tags[] = {TAG_RESULT};
  if (lvm_receive(tags, 1, 20000000000LL, &in, sizeof in - 1, &info) != LVM_OK) {
    printf("FAILED: no result from the remote child\n");
    return -1;
  }
  CHECK(info.sender == child && !strcmp(in.node, node));
  return in.sum;
}

// A local process that spawns trapper on node, linked; with trap_exit it
// reports the EXIT it gets, else it dies of it.
static void linked_parent(void) {
  char args[260] = {0};
  lvm_args(args, sizeof args - 1);
  const int trapping = args[0] == 'T';
  const char *node = args + 1;
  if (trapping) lvm_trap_exit(1);
  lvm_spawn_opts o = {.flags = LVM_SPAWN_LINK};
  lvm_pid_t child = 0;
  const int32_t s = lvm_spawn_remote(node, trapper, 0, 0, &o, &child);
  if (s != LVM_OK) {
    printf("FAILED: linked spawn_remote: status %d\n", s);
    fflush(stdout);
    lvm_exit(3);
  }
  char buf[256];
  lvm_msg_info info;
  const int64_t tags[] = {LVM_TAG_EXIT};
  if (lvm_receive(tags, 1, 20000000000LL, buf, sizeof buf - 1, &info) != LVM_OK) {
    printf("FAILED: alive 20 s after its linked remote child trapped\n");
    fflush(stdout);
    lvm_exit(4);
  }
  lvm_exit_info *e = (lvm_exit_info *)buf;
  buf[info.copied] = 0;
  // Trapping exits: the EXIT names the child and its trap.
  lvm_exit(e->pid == child && e->kind == LVM_EXIT_TRAP && !strcmp(buf + sizeof *e, "unreachable") ? 0 : 5);
}

// Spawns linked_parent (trapping exits or not), waits for its DOWN.
static void linked_case(const char *node, int trapping, lvm_exit_info *e, char *text, size_t cap) {
  char args[260];
  args[0] = trapping ? 'T' : 'N';
  strncpy(args + 1, node, 255);
  lvm_spawn_opts o = {.flags = LVM_SPAWN_MONITOR};
  lvm_pid_t p;
  lvm_spawn_opt(linked_parent, args, 1 + strlen(node), &o, &p);
  char buf[512];
  lvm_msg_info info;
  const int64_t tags[] = {LVM_TAG_DOWN};
  memset(e, 0, sizeof *e);
  text[0] = 0;
  if (lvm_receive(tags, 1, 30000000000LL, buf, sizeof buf - 1, &info) != LVM_OK) return;
  memcpy(e, buf, sizeof *e);
  buf[info.copied] = 0;
  strncpy(text, buf + sizeof *e, cap - 1);
  text[cap - 1] = 0;
}

static void rspawn(const char *node, const char *name) {
  const int s1 = remote_sum(node, 20, 22), s2 = remote_sum(node, 100, 23);
  printf("rspawn: 20+22=%d and 100+23=%d, computed on %s\n", s1, s2, node);
  CHECK(s1 == 42 && s2 == 123);

  lvm_exit_info e;
  char text[256];
  linked_case(node, 0, &e, text, sizeof text);
  printf("rspawn: a linked partner died of its remote child's trap (kind %d, \"%s\")\n", e.kind, text);
  CHECK(e.kind == LVM_EXIT_TRAP && !strcmp(text, "unreachable"));
  linked_case(node, 1, &e, text, sizeof text);
  printf("rspawn: a linked partner trapping exits got the EXIT (exit code %d)\n", e.code);
  CHECK(e.kind == LVM_EXIT_NORMAL);

  lvm_spawn_opts o = {.flags = LVM_SPAWN_MONITOR};
  lvm_pid_t child = 0;
  CHECK(lvm_spawn_remote(node, exiter, 0, 0, &o, &child) == LVM_OK);
  char buf[256];
  lvm_msg_info info;
  const int64_t down[] = {LVM_TAG_DOWN};
  memset(buf, 0, sizeof buf);
  const int got = lvm_receive(down, 1, 20000000000LL, buf, sizeof buf, &info) == LVM_OK;
  lvm_exit_info *d = (lvm_exit_info *)buf;
  printf("rspawn: monitored: DOWN %s, kind %d, code %d\n", got && d->ref == o.monitor_ref && d->pid == child ? "matches" : "wrong",
         d->kind, d->code);
  CHECK(got && d->ref == o.monitor_ref && d->pid == child && d->kind == LVM_EXIT_CODE && d->code == 7);

  lvm_pid_t there = 0;
  CHECK(lvm_whereis_remote(node, strlen(node), name, strlen(name), &there) == LVM_OK);
  char where[256] = {0};
  lvm_pid_node(there, where, sizeof where - 1);
  uint32_t v = 0xfeed, back = 0;
  lvm_send(there, TAG_DATA, &v, sizeof v);
  const int64_t data[] = {TAG_DATA};
  const int answered = lvm_receive(data, 1, 10000000000LL, &back, sizeof back, &info) == LVM_OK && back == v &&
                       info.sender == there;
  const int32_t none = lvm_whereis_remote(node, strlen(node), "nosuch", 6, &there);
  printf("rspawn: whereis_remote {%s, %s} on %s %s; nosuch: %d\n", name, node, where, answered ? "answers" : "is silent",
         none);
  CHECK(!strcmp(where, node) && answered && none == LVM_ENOTFOUND);

  const char *nobody = "nobody@127.0.0.1";
  const int32_t s = lvm_spawn_remote(nobody, adder, 0, 0, 0, &child);
  printf("rspawn: an unreachable node: %d\n", s);
  CHECK(s == LVM_ENONODE);
}

static void rspawn_status(const char *node) {
  lvm_pid_t child = 0;
  printf("rspawn-status: %d\n", lvm_spawn_remote(node, exiter, 0, 0, 0, &child));
}

// ---- a node that comes back ----

// {echo, NODE}'s pid, then (the test restarts NODE meanwhile) the new
// one's: the old handle must name nothing now, not another process.
static void restart(const char *node) {
  const lvm_pid_t before = hello(node, "echo");
  printf("restart: ready\n");
  fflush(stdout);
  lvm_pid_t after = 0;
  const uint64_t deadline = now_ns() + 30000000000ull;
  while (!after && now_ns() < deadline) {
    send_to(node, "echo", TAG_HELLO, 0, 0);
    const int64_t tags[] = {TAG_HELLO};
    lvm_msg_info info;
    if (lvm_receive(tags, 1, 100000000, 0, 0, &info) != LVM_OK) continue;
    if (info.sender != before) after = info.sender;
    else lvm_sleep(50000000);  // (the old incarnation, not killed yet)
  }
  char name[256];
  const int32_t sent = lvm_send(before, TAG_DATA, "x", 1);
  const int32_t where = lvm_pid_node(before, name, sizeof name);
  printf("restart: the old incarnation's pid names nothing (send %d, pid_node %d); the new one %s\n", sent, where,
         after ? "answers" : "never answered");
  CHECK(after && sent == LVM_ENOPROC && where == -LVM_ENOPROC);
}

// ---- wild pointers ----

static void wild(void) {
  char which = 0;
  lvm_args(&which, 1);
  const uint32_t bad = 0xfffffff0u;
  void *p = (void *)(uintptr_t)bad;
  lvm_pid_t pid;
  switch (which) {
    case 0: lvm_node_self(p, 64); break;
    case 1: lvm_pid_node(lvm_self(), p, 64); break;
    case 2: lvm_send_named(p, 64, "x", 1, 5, 0, 0); break;
    case 3: lvm_monitor_node(p, 64, 1); break;
    case 4: lvm_pid_encode(lvm_self(), p, 64); break;
    case 5: lvm_pid_decode(p, 64, &pid); break;
    case 6: lvm_spawn_remote_raw(p, 64, 0, 0, 0, 0, &pid); break;
    case 7: lvm_spawn_remote_raw("a@b.c", 5, 0, 0, 0, (lvm_spawn_opts *)p, &pid); break;
    case 8: lvm_spawn_remote_raw("a@b.c", 5, 0, 0, 0, 0, (lvm_pid_t *)p); break;
    case 9: lvm_whereis_remote(p, 64, "x", 1, &pid); break;
    case 10: lvm_whereis_remote("a@b.c", 5, "x", 1, (lvm_pid_t *)p); break;
  }
  lvm_exit(9);  // (not reached: the call traps)
}

static void badptr(void) {
  static const char *what[] = {"node_self", "pid_node", "send_named", "monitor_node", "pid_encode", "pid_decode",
                               "spawn_remote", "spawn_remote", "spawn_remote", "whereis_remote", "whereis_remote"};
  const int n = (int)(sizeof what / sizeof what[0]);
  int trapped = 0;
  for (char k = 0; k < n; k++) {
    lvm_spawn_opts o = {.flags = LVM_SPAWN_MONITOR};
    lvm_pid_t c;
    CHECK(lvm_spawn_opt(wild, &k, 1, &o, &c) == LVM_OK);
    char buf[512];
    lvm_msg_info info;
    const int64_t tags[] = {LVM_TAG_DOWN};
    CHECK(lvm_receive(tags, 1, 10000000000LL, buf, sizeof buf - 1, &info) == LVM_OK);
    buf[info.copied] = 0;
    lvm_exit_info *e = (lvm_exit_info *)buf;
    const char *text = buf + sizeof *e;
    char want[64];
    snprintf(want, sizeof want, "lvm.%s: ", what[(int)k]);
    if (e->kind == LVM_EXIT_TRAP && !strncmp(text, want, strlen(want)) && strstr(text, "outside the caller's memory"))
      trapped++;
    else
      printf("FAILED: %s with a wild pointer: kind %d, \"%s\"\n", what[(int)k], e->kind, text);
  }
  printf("badptr: %d of %d calls with a wild pointer trapped their caller only\n", trapped, n);
  CHECK(trapped == n);
}

// ---- a simultaneous connect (lvm-dist-peer simultaneous) ----

static void settle(const char *node) {
  CHECK(lvm_register("settle", 6) == LVM_OK);
  send_to(node, "settle", TAG_HELLO, 0, 0);  // (connects)
  char got[2] = {0, 0};
  lvm_msg_info info;
  const int64_t tags[] = {TAG_DATA};
  for (int k = 0; k < 2; k++) {
    char b[8];
    if (lvm_receive(tags, 1, 20000000000LL, b, sizeof b, &info) != LVM_OK || info.copied != 1) {
      printf("FAILED: settle: message %d of 2 did not come\n", k + 1);
      exit(1);
    }
    got[k] = b[0];
  }
  printf("settle: the peer's messages came: %c then %c\n", got[0], got[1]);
  CHECK(lvm_send(info.sender, TAG_DONE, 0, 0) == LVM_OK);
  CHECK(got[0] == '1' && got[1] == '2');
}

// ---- a node whose workers are all busy ----

// Its argument: 1 for the one that registers as "spin".
static void spinner(void) {
  char first = 0;
  lvm_args(&first, 1);
  if (first) CHECK(lvm_register("spin", 4) == LVM_OK);
  volatile uint64_t x = 0;
  for (;;) x++;
}

static void busy(void) {
  lvm_pid_t p;
  for (char k = 0; k < 4; k++) {
    const char first = k == 0;
    CHECK(lvm_spawn(spinner, &first, 1, &p) == LVM_OK);
  }
  printf("busy: 4 spinners on %s\n", self_node());
  fflush(stdout);
  lvm_msg_info info;
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);
}

static void killbusy(const char *node) {
  lvm_pid_t spin = 0;
  int32_t w = LVM_ENOTFOUND;
  for (int k = 0; k < 200 && w != LVM_OK; k++) {  // (the busy node may not be up yet)
    w = lvm_whereis_remote(node, strlen(node), "spin", 4, &spin);
    if (w != LVM_OK) lvm_sleep(50000000);
  }
  printf("killbusy: whereis_remote {spin, node}: status %d\n", w);
  CHECK(w == LVM_OK);
  // A stream over a few of the busy node's once-a-second ticks: each tick
  // comes with input to read, which the I/O thread reads just before it
  // ticks (a node once took such a connection for one silent for 60 s and
  // dropped it: the NODEDOWN below).
  CHECK(lvm_monitor_node(node, strlen(node), 1) == LVM_OK);
  lvm_msg_info info;
  const int64_t up[] = {LVM_TAG_NODEUP};
  CHECK(lvm_receive(up, 1, 0, 0, 0, &info) == LVM_OK);  // (connected: at once)
  for (uint32_t k = 0; k < 3000; k++) {
    CHECK(lvm_send(spin, TAG_DATA, &k, sizeof k) == LVM_OK);
    lvm_sleep(1000000);
  }
  const int64_t down[] = {LVM_TAG_NODEDOWN};
  const int32_t lost = lvm_receive(down, 1, 0, 0, 0, &info);
  printf("killbusy: 3000 messages streamed, the connection %s\n", lost == LVM_OK ? "was lost" : "stayed up");
  CHECK(lost == LVM_ETIMEDOUT);
  uint64_t ref = 0;
  CHECK(lvm_monitor(spin, &ref) == LVM_OK);
  CHECK(lvm_kill(spin) == LVM_OK);
  char buf[256];
  const int64_t tags[] = {LVM_TAG_DOWN};
  const int32_t r = lvm_receive(tags, 1, 20000000000LL, buf, sizeof buf, &info);
  const lvm_exit_info *e = (const lvm_exit_info *)buf;
  printf("killbusy: DOWN %s, kind %d\n", r == LVM_OK ? "came" : "missing", r == LVM_OK ? e->kind : -1);
  CHECK(r == LVM_OK && e->kind == LVM_EXIT_KILLED);
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
  else if (!strcmp(what, "rspawn") && argc > 3) rspawn(argv[2], argv[3]);
  else if (!strcmp(what, "rspawn-status") && argc > 2) rspawn_status(argv[2]);
  else if (!strcmp(what, "badptr")) badptr();
  else if (!strcmp(what, "restart") && argc > 2) restart(argv[2]);
  else if (!strcmp(what, "rtt") && argc > 3) rtt(argv[2], atoi(argv[3]));
  else if (!strcmp(what, "flood") && argc > 3) flood(argv[2], atoi(argv[3]));
  else if (!strcmp(what, "busy")) busy();
  else if (!strcmp(what, "settle") && argc > 2) settle(argv[2]);
  else if (!strcmp(what, "burst") && argc > 3) burst(argv[2], atoi(argv[3]));
  else if (!strcmp(what, "collect") && argc > 2) collect(atoi(argv[2]));
  else if (!strcmp(what, "killbusy") && argc > 2) killbusy(argv[2]);
  else {
    fprintf(stderr, "usage: dist.wasm echo NAME | mesh N PEER... | ping NODE N | once NODE | linktrap NODE | watch NODE | erl NODE\n"
                    "       | rspawn NODE NAME | rspawn-status NODE | badptr\n");
    return 2;
  }
  fflush(stdout);
  return failures ? 1 : 0;
}
