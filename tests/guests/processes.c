// Process semantics under lvm, one scenario per argv[1]; each prints what
// it observed and exits 0 only if every expectation held (test_processes.sh
// checks the output too):
//   isolation   a child fills its whole memory, the parent's is unchanged;
//               the parent fills its memory, a waiting child's is unchanged
//   statics     a child sees a static's initial value, not the parent's change
//   selective   selective receive takes the first match; FIFO per tag
//   manysenders 4 senders, 20,000 messages each, into one mailbox while it
//               is read (with selective receives): none lost, each sender's
//               in order
//   timeout     receive timeouts, non-blocking receive, sleep
//   preempt     an infinite loop, or recursion without loops, does not stop
//               others; kill ends them
//   trapchild   a child traps; the parent keeps running
//   exports     spawn_export, module_compile + spawn_module, bad entries
//   bomb        spawning until the process limit: LVM_ELIMIT, not a crash
//   badptr FN   a child calls ABI function FN with an out-of-bounds pointer;
//               it traps and the parent carries on
#include "guest_test.h"
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int static_value = 7;

// Waits (polling) until `pid` has ended: a send to it fails then.
static int wait_dead(lvm_pid_t pid) {
  for (int i = 0; i < 5000; i++) {
    if (lvm_send(pid, 999, 0, 0) == LVM_ENOPROC) return 1;
    lvm_sleep(1000000);
  }
  return 0;
}

static uint32_t memory_bytes(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

// ---- isolation ----

// Fills every byte of its own memory with 0xAB, then sends the first 16
// bytes (now 0xAB) to the parent. Uses no memory after the fill but the
// sent bytes.
static void filler(void) {
  volatile lvm_pid_t parent = arg_pid();
  const lvm_pid_t p = parent;
  const uint32_t n = memory_bytes();
  for (uint32_t a = 0; a < n; a += 4) __builtin_memcpy((void *)(uintptr_t)a, &(uint32_t){0xABABABABu}, 4);
  lvm_send(p, 1, (const void *)(uintptr_t)0, 16);
}

// Waits for "go", then counts non-zero bytes in its heap (it allocated
// nothing) and reports the count.
static void checker(void) {
  const lvm_pid_t parent = arg_pid();
  lvm_msg_info info;
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);
  extern unsigned char __heap_base;
  uint32_t nonzero = 0;
  for (uint32_t a = (uint32_t)(uintptr_t)&__heap_base; a < memory_bytes(); a++) nonzero += *(volatile uint8_t *)(uintptr_t)a != 0;
  lvm_send(parent, 2, &nonzero, sizeof nonzero);
}

static void isolation(void) {
  // The parent's own data, to check after the child scribbled.
  const uint32_t big = 1u << 20;
  uint8_t *mine = malloc(big);
  memset(mine, 0x5A, big);
  lvm_pid_t self = lvm_self(), child;
  CHECK(lvm_spawn(filler, &self, sizeof self, &child) == LVM_OK);
  uint8_t got[16];
  lvm_msg_info info;
  CHECK(lvm_receive_any(LVM_INFINITY, got, sizeof got, &info) == LVM_OK);
  int child_wrote = info.size == 16;
  for (int i = 0; i < 16; i++) child_wrote &= got[i] == 0xAB;
  CHECK(child_wrote);
  int intact = static_value == 7;
  for (uint32_t i = 0; i < big; i++) intact &= mine[i] == 0x5A;
  CHECK(intact);
  printf("isolation: child filled its %s memory (sent back 0x%02x...); parent's 1 MiB and statics %s\n",
         child_wrote ? "whole" : "PARTIAL", got[0], intact ? "unchanged" : "CHANGED");

  // The other way: the parent fills most of its memory; a child waiting
  // meanwhile sees none of it.
  CHECK(lvm_spawn(checker, &self, sizeof self, &child) == LVM_OK);
  uint8_t *more = malloc(big * 4);
  memset(more, 0x77, big * 4);
  memset(mine, 0x66, big);
  CHECK(lvm_send(child, 1, 0, 0) == LVM_OK);
  uint32_t nonzero = 99;
  CHECK(lvm_receive_any(LVM_INFINITY, &nonzero, sizeof nonzero, &info) == LVM_OK);
  CHECK(nonzero == 0);
  printf("isolation: parent filled 5 MiB of its heap; the child's heap has %u non-zero bytes\n", nonzero);
}

// ---- statics ----

static void static_reporter(void) {
  const lvm_pid_t parent = arg_pid();
  int v = static_value;
  static_value = 1000;  // only this process's copy
  lvm_send(parent, 3, &v, sizeof v);
}

static void statics(void) {
  static_value = 42;
  lvm_pid_t self = lvm_self(), child;
  for (int k = 0; k < 2; k++) {
    CHECK(lvm_spawn(static_reporter, &self, sizeof self, &child) == LVM_OK);
    int seen = -1;
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, &seen, sizeof seen, &info);
    CHECK(seen == 7);
    printf("statics: child %d sees static_value = %d (parent has %d)\n", k, seen, static_value);
  }
  CHECK(static_value == 42);
}

// ---- selective receive ----

static void sequence_sender(void) {
  const lvm_pid_t parent = arg_pid();
  static const struct {
    int64_t tag;
    char text;
  } seq[] = {{1, 'a'}, {2, 'b'}, {3, 'c'}, {1, 'd'}, {2, 'e'}, {9, '!'}};
  for (unsigned i = 0; i < sizeof seq / sizeof seq[0]; i++) lvm_send(parent, seq[i].tag, &seq[i].text, 1);
}

static char take(const int64_t *tags, size_t n) {
  char c = '?';
  lvm_msg_info info;
  if (lvm_receive(tags, n, LVM_INFINITY, &c, 1, &info) != LVM_OK) return '-';
  return c;
}

static void selective(void) {
  lvm_pid_t self = lvm_self(), child;
  CHECK(lvm_spawn(sequence_sender, &self, sizeof self, &child) == LVM_OK);
  const int64_t t9[] = {9}, t2[] = {2}, t13[] = {1, 3};
  char order[8] = {0};
  order[0] = take(t9, 1);   // the last one sent: waits for all, skips the rest
  order[1] = take(t2, 1);   // b
  order[2] = take(t2, 1);   // e
  order[3] = take(t13, 2);  // a: the first with tag 1 or 3
  order[4] = take(0, 0);    // c
  order[5] = take(0, 0);    // d
  lvm_msg_info info;
  CHECK(lvm_receive_any(LVM_NOWAIT, 0, 0, &info) == LVM_ETIMEDOUT);
  CHECK(strcmp(order, "!beacd") == 0);
  printf("selective: received in order %s\n", order);
}

// ---- many senders into one mailbox ----

enum { kSenders = 4, kPerSender = 20000 };

// Sends kPerSender messages {index, seq} to the parent: tag 1, except every
// 100th, which has tag 2 (taken by selective receives).
static void numbered_sender(void) {
  struct {
    lvm_pid_t parent;
    uint32_t index;
  } a;
  lvm_args(&a, sizeof a);
  for (uint32_t seq = 0; seq < kPerSender; seq++) {
    const uint32_t msg[2] = {a.index, seq};
    lvm_send(a.parent, seq % 100 == 99 ? 2 : 1, msg, sizeof msg);
  }
}

static void manysenders(void) {
  for (uint32_t i = 0; i < kSenders; i++) {
    struct {
      lvm_pid_t parent;
      uint32_t index;
    } a = {lvm_self(), i};
    lvm_pid_t child;
    CHECK(lvm_spawn(numbered_sender, &a, sizeof a, &child) == LVM_OK);
  }
  // Each sender's tag-1 and tag-2 messages must each arrive in order.
  uint32_t next1[kSenders] = {0}, next2[kSenders] = {0}, got = 0, bad = 0;
  const int64_t tag2[] = {2};
  lvm_msg_info info;
  uint32_t msg[2];
  int tag2_left = 1;
  while (got < kSenders * kPerSender) {
    // Now and then, a selective receive of tag 2 first (it skips tag-1
    // messages, which then wait in the mailbox), until one finds none.
    const int selective = tag2_left && got % 7 == 0;
    int32_t st = lvm_receive(selective ? tag2 : 0, selective ? 1 : 0, selective ? 1000000 : LVM_INFINITY, msg,
                             sizeof msg, &info);
    if (st == LVM_ETIMEDOUT) {
      tag2_left = 0;
      continue;
    }
    CHECK(st == LVM_OK && info.size == sizeof msg && msg[0] < kSenders);
    if (msg[0] >= kSenders) return;
    uint32_t* next = info.tag == 2 ? next2 : next1;
    uint32_t expect = next[msg[0]];
    while (expect % 100 == 99 ? info.tag != 2 : info.tag != 1) expect++;  // skip the other tag's numbers
    bad += msg[1] != expect;
    next[msg[0]] = msg[1] + 1;
    got++;
  }
  CHECK(bad == 0);
  CHECK(lvm_receive_any(LVM_NOWAIT, 0, 0, &info) == LVM_ETIMEDOUT);
  printf("manysenders: %u messages from %d senders, none lost, each sender's in order\n", got, kSenders);
}

// ---- timeouts ----

static void ticker(void) {
  const lvm_pid_t parent = arg_pid();
  for (int i = 0; i < 20; i++) {
    if (lvm_send(parent, 5, 0, 0) != LVM_OK) return;
    lvm_sleep(10000000);
  }
}

// Sleeps with WASI (usleep -> poll_oneoff on a clock), then reports.
static void wasi_sleeper(void) {
  const lvm_pid_t parent = arg_pid();
  usleep(300000);
  lvm_send(parent, 11, 0, 0);
}

static void timeout(void) {
  lvm_msg_info info;
  uint64_t t0 = now_ns();
  CHECK(lvm_receive_any(LVM_NOWAIT, 0, 0, &info) == LVM_ETIMEDOUT);
  const uint64_t nowait = now_ns() - t0;
  t0 = now_ns();
  const int64_t tag = 77;
  CHECK(lvm_receive(&tag, 1, 50000000, 0, 0, &info) == LVM_ETIMEDOUT);
  const uint64_t waited = now_ns() - t0;
  CHECK(waited >= 50000000);
  // Messages that do not match do not end the wait early.
  lvm_pid_t self = lvm_self(), child;
  CHECK(lvm_spawn(ticker, &self, sizeof self, &child) == LVM_OK);
  t0 = now_ns();
  CHECK(lvm_receive(&tag, 1, 100000000, 0, 0, &info) == LVM_ETIMEDOUT);
  const uint64_t busy = now_ns() - t0;
  CHECK(busy >= 100000000);
  const int64_t five = 5;
  CHECK(lvm_receive(&five, 1, LVM_NOWAIT, 0, 0, &info) == LVM_OK);  // the ticks are still there
  t0 = now_ns();
  lvm_sleep(20000000);
  const uint64_t slept = now_ns() - t0;
  CHECK(slept >= 20000000);
  t0 = now_ns();
  lvm_sleep(-5);  // a negative or zero time does not wait
  lvm_sleep(0);
  CHECK(now_ns() - t0 < 1000000000);
  // A process sleeping in WASI poll_oneoff does not hold its worker: with
  // one worker thread, a 20 ms sleep here still ends long before its 300 ms.
  t0 = now_ns();
  CHECK(lvm_spawn(wasi_sleeper, &self, sizeof self, &child) == LVM_OK);
  lvm_sleep(20000000);
  const uint64_t short_sleep = now_ns() - t0;
  CHECK(short_sleep < 250000000);
  const int64_t eleven = 11;
  CHECK(lvm_receive(&eleven, 1, LVM_INFINITY, 0, 0, &info) == LVM_OK);
  CHECK(now_ns() - t0 >= 300000000);
  printf("timeout: no-wait receive returned at once, a 50 ms receive timed out, a 100 ms one too while "
         "unmatched messages arrived, sleep(20 ms) slept at least 20 ms\n");
  (void)nowait;
}

// ---- preemption ----

static volatile uint32_t spin_counter;

static void spinner(void) {
  for (;;) spin_counter++;  // a loop with no calls: only back-edges spend reductions
}

// Recursion without a loop anywhere (both calls stay calls: the results
// are combined after both return), 2^60 calls deep-first: only function
// entries spend reductions, so only their checks can preempt it.
__attribute__((noinline)) static uint32_t tree(uint32_t depth) {
  spin_counter++;
  if (depth == 0) return 1;
  const uint32_t a = tree(depth - 1);
  const uint32_t b = tree(depth - 1);
  return a ^ (b * 3u);
}

static void recurser(void) { spin_counter = tree(60); }

static void echo(void) {
  for (;;) {
    uint32_t v;
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, &v, sizeof v, &info);
    v++;
    lvm_send(info.sender, 6, &v, sizeof v);
  }
}

static void preempt(void) {
  lvm_pid_t s1, s2, r, e;
  CHECK(lvm_spawn(spinner, 0, 0, &s1) == LVM_OK);
  CHECK(lvm_spawn(spinner, 0, 0, &s2) == LVM_OK);
  CHECK(lvm_spawn(recurser, 0, 0, &r) == LVM_OK);
  CHECK(lvm_spawn(echo, 0, 0, &e) == LVM_OK);
  uint32_t v = 0;
  for (int i = 0; i < 100; i++) {
    CHECK(lvm_send(e, 6, &v, sizeof v) == LVM_OK);
    lvm_msg_info info;
    CHECK(lvm_receive_any(LVM_INFINITY, &v, sizeof v, &info) == LVM_OK);
  }
  CHECK(v == 100);
  lvm_yield();
  CHECK(sched_yield() == 0);  // WASI's yield: the same inside a process
  CHECK(lvm_kill(s1) == LVM_OK);
  CHECK(lvm_kill(s2) == LVM_OK);
  CHECK(lvm_kill(r) == LVM_OK);
  CHECK(lvm_kill(e) == LVM_OK);
  CHECK(wait_dead(s1) && wait_dead(s2) && wait_dead(r) && wait_dead(e));
  CHECK(lvm_kill(s1) == LVM_ENOPROC);
  CHECK(lvm_kill(0) == LVM_ENOPROC);
  CHECK(lvm_kill(~(lvm_pid_t)0) == LVM_ENOPROC);
  CHECK(lvm_send(s1, 1, 0, 0) == LVM_ENOPROC);
  printf("preempt: 100 round trips with an echo process while two processes spin forever and one recurses; killed all four\n");
}

// ---- a trapping child ----

static void divider(void) {
  printf("trapchild: child about to trap\n");
  fflush(stdout);
  __builtin_trap();  // `unreachable` (1 / 0 in C is undefined, so clang need not emit a trapping division)
}

static void exiter(void) { lvm_exit(3); }

static void trapchild(void) {
  lvm_pid_t child;
  CHECK(lvm_spawn(divider, 0, 0, &child) == LVM_OK);
  CHECK(wait_dead(child));
  CHECK(lvm_spawn(exiter, 0, 0, &child) == LVM_OK);
  CHECK(wait_dead(child));
  printf("trapchild: the child died; the parent is still running\n");
}

// ---- exports and other modules ----

__attribute__((export_name("exported_child"))) void exported_child(void) {
  lvm_send(arg_pid(), 8, "exp", 3);
}

static int not_an_entry(int x) { return x + 1; }

static void exports(const char *other_module) {
  lvm_pid_t self = lvm_self(), child;
  CHECK(lvm_spawn_export("exported_child", 14, &self, sizeof self, &child) == LVM_OK);
  char buf[4] = {0};
  lvm_msg_info info;
  CHECK(lvm_receive_any(LVM_INFINITY, buf, 3, &info) == LVM_OK && strcmp(buf, "exp") == 0);
  CHECK(lvm_spawn_export("no_such_export", 14, 0, 0, &child) == LVM_ENOENTRY);
  CHECK(lvm_spawn_raw((uint32_t)(uintptr_t)&not_an_entry, 0, 0, &child) == LVM_ENOENTRY);
  CHECK(lvm_spawn_raw(0xFFFFFF, 0, 0, &child) == LVM_ENOENTRY);
  int32_t handle = -1;
  CHECK(lvm_module_compile("not wasm", 8, &handle) == LVM_EBADMODULE);
  CHECK(lvm_spawn_module(12345, "_start", 6, 0, 0, &child) == LVM_EINVAL);
  if (other_module) {
    FILE *f = fopen(other_module, "rb");
    CHECK(f != NULL);
    if (f) {
      static uint8_t bytes[1 << 20];
      size_t n = fread(bytes, 1, sizeof bytes, f);
      fclose(f);
      CHECK(lvm_module_compile(bytes, n, &handle) == LVM_OK);
      CHECK(lvm_spawn_module(handle, "_start", 6, 0, 0, &child) == LVM_OK);
      CHECK(wait_dead(child));
    }
  }
  printf("exports: spawn_export, module_compile and spawn_module work; bad entries are refused\n");
}

// ---- a spawn bomb ----

static void idle_forever(void) {
  lvm_msg_info info;
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);
}

// Spawns until the VM says no (run with --max-processes): the spawner gets
// LVM_ELIMIT and carries on; killing the children frees their entries.
static void bomb(void) {
  static lvm_pid_t pids[100000];
  uint32_t n = 0;
  int32_t st;
  while (n < 100000 && (st = lvm_spawn(idle_forever, 0, 0, &pids[n])) == LVM_OK) n++;
  CHECK(st == LVM_ELIMIT);
  for (uint32_t i = 0; i < n; i++) CHECK(lvm_kill(pids[i]) == LVM_OK);
  CHECK(wait_dead(pids[n - 1]));
  lvm_pid_t again;
  CHECK(lvm_spawn(idle_forever, 0, 0, &again) == LVM_OK);  // room again
  lvm_kill(again);
  printf("bomb: %u processes, then LVM_ELIMIT; after killing them, spawn works again\n", n);
}

// ---- bad pointers ----

static const char *bad_fn;
static void bad_caller(void) {
  char name[32] = {0};
  lvm_args(name, sizeof name - 1);
  const uint32_t wild = 0xFFFFFFF0u;  // beyond any memory this program has
  lvm_pid_t pid;
  lvm_msg_info info;
  int32_t h;
  if (!strcmp(name, "spawn")) lvm_spawn_raw(1, (void *)wild, 64, &pid);
  else if (!strcmp(name, "spawn_export")) lvm_spawn_export((const char *)wild, 64, 0, 0, &pid);
  else if (!strcmp(name, "module_compile")) lvm_module_compile((const void *)wild, 64, &h);
  else if (!strcmp(name, "spawn_module")) lvm_spawn_module(0, (const char *)wild, 64, 0, 0, &pid);
  else if (!strcmp(name, "args")) lvm_args((void *)wild, 64);
  else if (!strcmp(name, "send")) lvm_send(lvm_self(), 1, (const void *)wild, 64);
  else if (!strcmp(name, "receive")) lvm_receive((const int64_t *)wild, 4, 0, 0, 0, &info);
  else if (!strcmp(name, "message_read")) lvm_message_read(0, (void *)wild, 64);
  else if (!strcmp(name, "receive_info")) lvm_receive(0, 0, 0, 0, 0, (lvm_msg_info *)wild);
  else if (!strcmp(name, "spawn_pid")) lvm_spawn_export("exported_child", 14, 0, 0, (lvm_pid_t *)wild);
  else if (!strcmp(name, "spawn_opt")) lvm_spawn_opt(bad_caller, 0, 0, (lvm_spawn_opts *)wild, &pid);
  else if (!strcmp(name, "monitor")) lvm_monitor(lvm_self(), (uint64_t *)wild);
  else if (!strcmp(name, "register")) lvm_register((const char *)wild, 8);
  else if (!strcmp(name, "unregister")) lvm_unregister((const char *)wild, 8);
  else if (!strcmp(name, "whereis")) lvm_whereis((const char *)wild, 8, &pid);
  else if (!strcmp(name, "whereis_pid")) lvm_whereis("x", 1, (lvm_pid_t *)wild);
  else if (!strcmp(name, "send_after")) lvm_send_after(lvm_self(), 1, (const void *)wild, 64, 0, (uint64_t *)&h);
  else if (!strcmp(name, "send_after_ref")) lvm_send_after(lvm_self(), 1, 0, 0, 0, (uint64_t *)wild);
  printf("badptr: %s returned instead of trapping\n", name);
}

static void badptr(const char *fn) {
  bad_fn = fn;
  lvm_pid_t child;
  CHECK(lvm_spawn(bad_caller, fn, strlen(fn), &child) == LVM_OK);
  CHECK(wait_dead(child));
  printf("badptr: the child calling %s with a wild pointer died; the parent carries on\n", fn);
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "isolation")) isolation();
  else if (!strcmp(what, "statics")) statics();
  else if (!strcmp(what, "selective")) selective();
  else if (!strcmp(what, "manysenders")) manysenders();
  else if (!strcmp(what, "timeout")) timeout();
  else if (!strcmp(what, "preempt")) preempt();
  else if (!strcmp(what, "trapchild")) trapchild();
  else if (!strcmp(what, "exports")) exports(argc > 2 ? argv[2] : NULL);
  else if (!strcmp(what, "badptr") && argc > 2) badptr(argv[2]);
  else if (!strcmp(what, "bomb")) bomb();
  else {
    fprintf(stderr, "usage: processes.wasm isolation|statics|selective|timeout|preempt|trapchild|exports [MODULE]|badptr FN\n");
    return 2;
  }
  return failures ? 1 : 0;
}
