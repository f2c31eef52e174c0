// Fault tolerance under lvm, one scenario per argv[1]; each prints what it
// observed and exits 0 only if every expectation held (test_signals.sh
// checks the output too):
//   link       a linked process dies when its partner traps (same reason)
//   trapexit   with trap_exit it gets an EXIT message instead, after the
//              partner's earlier messages; a normal exit is an EXIT too
//   monitor    exactly one DOWN with the right reason (code, trap, killed,
//              noproc for a dead pid); demonitor; spawn_monitor
//   registry   names: register, taken, whereis, gone with the process
//   timers     send_after arrives, a cancelled one does not, also while
//              two processes spin on the only worker
//   memlimit   memory.grow returns -1 beyond the spawn's memory limit
//   fuel       the fuel limit ends a spinning process (and its children,
//              which inherit it); a short task within it finishes
//   nospawn    a process spawned without the right to spawn gets LVM_EPERM
//   bomb       each process spawns two: spawning stops at the cap with
//              LVM_ELIMIT while an echo server keeps answering
//   badargs    out-of-range values for the functions without pointers
#include "guest_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// An EXIT or DOWN message: the header and the reason's text.
typedef struct {
  lvm_exit_info h;
  char text[200];
  uint32_t text_len;
} exit_msg;

// Receives the next message with `tag` (waiting up to timeout_ms); 1 if one came.
static int receive_signal(int64_t tag, int timeout_ms, exit_msg *out) {
  lvm_msg_info info;
  memset(out, 0, sizeof *out);
  if (lvm_receive(&tag, 1, (int64_t)timeout_ms * 1000000, out, sizeof out->h + sizeof out->text, &info) != LVM_OK)
    return 0;
  out->text_len = info.copied > sizeof out->h ? info.copied - (uint32_t)sizeof out->h : 0;
  out->text[out->text_len < sizeof out->text ? out->text_len : sizeof out->text - 1] = 0;
  return 1;
}

static void wait_forever(void) {
  lvm_msg_info info;
  for (;;) lvm_receive_any(LVM_INFINITY, 0, 0, &info);
}

static void trapper(void) { __builtin_trap(); }
static void returner(void) {}
static void exit5(void) { lvm_exit(5); }

// ---- link ----

// Spawns a trapping child linked to itself, then waits forever: it dies
// of the link (it does not trap exits).
static void linked_middle(void) {
  lvm_spawn_opts o = {LVM_SPAWN_LINK, 0, 0, 0};
  lvm_pid_t child;
  lvm_spawn_opt(trapper, 0, 0, &o, &child);
  wait_forever();
}

// Links to a child that returns normally: a normal exit does not kill.
static void survives_normal(void) {
  lvm_pid_t parent = arg_pid(), child;
  lvm_spawn_opts o = {LVM_SPAWN_LINK, 0, 0, 0};
  lvm_spawn_opt(returner, 0, 0, &o, &child);
  lvm_sleep(30000000);
  lvm_send(parent, 7, "alive", 5);
}

static void link_scenario(void) {
  lvm_pid_t middle, self = lvm_self();
  uint64_t ref;
  CHECK(lvm_spawn(linked_middle, 0, 0, &middle) == LVM_OK);
  CHECK(lvm_monitor(middle, &ref) == LVM_OK);
  exit_msg m;
  CHECK(receive_signal(LVM_TAG_DOWN, 5000, &m));
  CHECK(m.h.ref == ref && m.h.pid == middle);
  CHECK(m.h.kind == LVM_EXIT_TRAP && strstr(m.text, "unreachable"));
  printf("link: the linked middle process died with its child's reason (kind %d, \"%s\")\n", m.h.kind, m.text);

  lvm_pid_t s;
  lvm_msg_info info;
  char buf[8];
  CHECK(lvm_spawn(survives_normal, &self, sizeof self, &s) == LVM_OK);
  int64_t tag = 7;
  CHECK(lvm_receive(&tag, 1, 5000000000LL, buf, sizeof buf, &info) == LVM_OK && info.sender == s);
  printf("link: a normal exit of a linked child leaves its partner alive\n");

  // Linking to a dead process: LVM_ENOPROC, and no signal (not trapping).
  CHECK(lvm_link(middle) == LVM_ENOPROC);
  // unlink: the partner's trap no longer reaches us.
  lvm_pid_t t;
  lvm_spawn_opts o = {LVM_SPAWN_LINK, 0, 0, 0};
  CHECK(lvm_spawn_opt(wait_forever, 0, 0, &o, &t) == LVM_OK);
  CHECK(lvm_unlink(t) == LVM_OK);
  CHECK(lvm_kill(t) == LVM_OK);
  lvm_sleep(20000000);
  printf("link: after unlink the partner's death does not reach us\n");
}

// ---- trap_exit ----

// Sends three messages to its parent, then traps.
static void talk_then_trap(void) {
  lvm_pid_t parent = arg_pid();
  for (int i = 0; i < 3; i++) lvm_send(parent, 100 + i, &i, sizeof i);
  __builtin_trap();
}

static void trapexit_scenario(void) {
  lvm_pid_t self = lvm_self(), child;
  CHECK(lvm_trap_exit(1) == 0);
  lvm_spawn_opts o = {LVM_SPAWN_LINK, 0, 0, 0};
  CHECK(lvm_spawn_opt(talk_then_trap, &self, sizeof self, &o, &child) == LVM_OK);
  // Everything from the child, in order: three messages, then its EXIT.
  lvm_msg_info info;
  char buf[256];
  int order_ok = 1;
  for (int i = 0; i < 4; i++) {
    CHECK(lvm_receive_any(5000000000LL, buf, sizeof buf, &info) == LVM_OK);
    if (i < 3) order_ok &= info.tag == 100 + i && info.sender == child;
    else order_ok &= info.tag == LVM_TAG_EXIT;
  }
  CHECK(order_ok);
  lvm_exit_info h;
  memcpy(&h, buf, sizeof h);
  CHECK(h.ref == 0 && h.pid == child && h.kind == LVM_EXIT_TRAP);
  printf("trapexit: got 3 messages then EXIT (kind %d) from the trapping child, in order; still alive\n", h.kind);

  exit_msg m;
  CHECK(lvm_spawn_opt(returner, 0, 0, &o, &child) == LVM_OK);
  CHECK(receive_signal(LVM_TAG_EXIT, 5000, &m) && m.h.pid == child && m.h.kind == LVM_EXIT_NORMAL);
  CHECK(lvm_spawn_opt(exit5, 0, 0, &o, &child) == LVM_OK);
  CHECK(receive_signal(LVM_TAG_EXIT, 5000, &m) && m.h.kind == LVM_EXIT_CODE && m.h.code == 5);
  // Linking to a dead pid while trapping exits: an EXIT of kind NOPROC.
  CHECK(lvm_link(child) == LVM_ENOPROC);
  CHECK(receive_signal(LVM_TAG_EXIT, 5000, &m) && m.h.pid == child && m.h.kind == LVM_EXIT_NOPROC);
  CHECK(lvm_trap_exit(0) == 1);
  printf("trapexit: normal and exit-code EXITs, and NOPROC for a dead partner\n");
}

// ---- monitor ----

static void monitor_scenario(void) {
  exit_msg m;
  lvm_pid_t c;
  uint64_t ref;
  // A child that exits with code 5: exactly one DOWN.
  CHECK(lvm_spawn(wait_forever, 0, 0, &c) == LVM_OK);
  CHECK(lvm_monitor(c, &ref) == LVM_OK && ref != 0);
  uint64_t ref2;
  CHECK(lvm_monitor(c, &ref2) == LVM_OK && ref2 != ref);
  CHECK(lvm_kill(c) == LVM_OK);
  CHECK(receive_signal(LVM_TAG_DOWN, 5000, &m) && m.h.pid == c && m.h.kind == LVM_EXIT_KILLED);
  const uint64_t first = m.h.ref;
  CHECK(receive_signal(LVM_TAG_DOWN, 5000, &m) && m.h.pid == c && m.h.ref != first);
  CHECK(!receive_signal(LVM_TAG_DOWN, 50, &m));  // one per monitor, no more
  printf("monitor: one DOWN per monitor (kind killed)\n");

  // Already dead: DOWN with NOPROC at once.
  CHECK(lvm_monitor(c, &ref) == LVM_OK);
  CHECK(receive_signal(LVM_TAG_DOWN, 5000, &m) && m.h.ref == ref && m.h.kind == LVM_EXIT_NOPROC);
  CHECK(!receive_signal(LVM_TAG_DOWN, 50, &m));
  printf("monitor: a dead pid gives one DOWN of kind noproc\n");

  // spawn_monitor: no window, even for a child that ends at once.
  lvm_spawn_opts o = {LVM_SPAWN_MONITOR, 0, 0, 0};
  CHECK(lvm_spawn_opt(exit5, 0, 0, &o, &c) == LVM_OK && o.monitor_ref != 0);
  CHECK(receive_signal(LVM_TAG_DOWN, 5000, &m) && m.h.ref == o.monitor_ref && m.h.kind == LVM_EXIT_CODE &&
        m.h.code == 5);
  CHECK(lvm_spawn_opt(trapper, 0, 0, &o, &c) == LVM_OK);
  CHECK(receive_signal(LVM_TAG_DOWN, 5000, &m) && m.h.ref == o.monitor_ref && m.h.kind == LVM_EXIT_TRAP &&
        strstr(m.text, "unreachable"));
  printf("monitor: spawn_monitor reports exit code 5 and the trap \"%s\"\n", m.text);

  // demonitor: no DOWN afterwards; a second demonitor finds nothing.
  CHECK(lvm_spawn(wait_forever, 0, 0, &c) == LVM_OK);
  CHECK(lvm_monitor(c, &ref) == LVM_OK);
  CHECK(lvm_demonitor(ref) == LVM_OK);
  CHECK(lvm_demonitor(ref) == LVM_ENOTFOUND);
  lvm_kill(c);
  CHECK(!receive_signal(LVM_TAG_DOWN, 50, &m));
  // demonitor after the DOWN arrived: it is flushed from the mailbox.
  CHECK(lvm_spawn(exit5, 0, 0, &c) == LVM_OK);
  CHECK(lvm_monitor(c, &ref) == LVM_OK);
  lvm_sleep(30000000);
  CHECK(lvm_demonitor(ref) == LVM_ENOTFOUND);
  CHECK(!receive_signal(LVM_TAG_DOWN, 20, &m));
  CHECK(lvm_demonitor(0) == LVM_ENOTFOUND && lvm_demonitor(~0ull) == LVM_ENOTFOUND);
  printf("monitor: demonitor stops it and flushes a delivered DOWN\n");
}

// ---- registry ----

static void register_and_wait(void) {
  lvm_pid_t parent = arg_pid();
  int32_t st = lvm_register("svc", 3);
  lvm_send(parent, 1, &st, sizeof st);
  wait_forever();
}

static void registry_scenario(void) {
  lvm_pid_t a, b, found = 0;
  lvm_pid_t self = lvm_self();
  lvm_msg_info info;
  int32_t st;
  CHECK(lvm_spawn(register_and_wait, &self, sizeof self, &a) == LVM_OK);
  CHECK(lvm_receive_any(5000000000LL, &st, sizeof st, &info) == LVM_OK && st == LVM_OK);
  CHECK(lvm_whereis("svc", 3, &found) == LVM_OK && found == a);
  CHECK(lvm_spawn(register_and_wait, &self, sizeof self, &b) == LVM_OK);
  CHECK(lvm_receive_any(5000000000LL, &st, sizeof st, &info) == LVM_OK && st == LVM_EEXIST);
  printf("registry: \"svc\" names its process; registering it again: LVM_EEXIST\n");
  // The name goes with its process.
  uint64_t ref;
  lvm_monitor(a, &ref);
  lvm_kill(a);
  exit_msg m;
  CHECK(receive_signal(LVM_TAG_DOWN, 5000, &m));
  CHECK(lvm_whereis("svc", 3, &found) == LVM_ENOTFOUND && found == 0);
  CHECK(lvm_register("svc", 3) == LVM_OK);
  CHECK(lvm_register("other", 5) == LVM_EEXIST);  // one name per process
  CHECK(lvm_whereis("svc", 3, &found) == LVM_OK && found == self);
  CHECK(lvm_unregister("svc", 3) == LVM_OK && lvm_unregister("svc", 3) == LVM_ENOTFOUND);
  CHECK(lvm_register("", 0) == LVM_EINVAL);
  char longname[300];
  memset(longname, 'n', sizeof longname);
  CHECK(lvm_register(longname, sizeof longname) == LVM_EINVAL);
  CHECK(lvm_register("svc2", 4) == LVM_OK);
  lvm_kill(b);
  printf("registry: the name vanished with its process and could be taken again\n");
}

// ---- timers ----

static volatile int spin_sink;
static void spinner(void) {
  for (;;) spin_sink++;
}

static void timers_scenario(void) {
  lvm_pid_t self = lvm_self();
  lvm_msg_info info;
  uint64_t ref, cancelled;
  int64_t tag = 5;
  uint64_t t0 = now_ns();
  CHECK(lvm_send_after(self, 5, "hi", 2, 30000000, &ref) == LVM_OK && ref != 0);
  CHECK(lvm_send_after(self, 6, "no", 2, 60000000, &cancelled) == LVM_OK);
  CHECK(lvm_cancel_timer(cancelled) == LVM_OK);
  CHECK(lvm_cancel_timer(cancelled) == LVM_ENOTFOUND);
  char buf[4];
  CHECK(lvm_receive(&tag, 1, 5000000000LL, buf, sizeof buf, &info) == LVM_OK && info.size == 2);
  const uint64_t waited = now_ns() - t0;
  CHECK(waited >= 30000000);
  CHECK(lvm_cancel_timer(ref) == LVM_ENOTFOUND);  // fired already
  tag = 6;
  CHECK(lvm_receive(&tag, 1, 100000000, buf, sizeof buf, &info) == LVM_ETIMEDOUT);
  printf("timers: send_after(30 ms) arrived after >= 30 ms; the cancelled one never came\n");

  // Under load: two processes spin on the workers.
  lvm_pid_t s1, s2;
  lvm_spawn(spinner, 0, 0, &s1);
  lvm_spawn(spinner, 0, 0, &s2);
  uint64_t late_max = 0;
  tag = 5;
  for (int i = 0; i < 10; i++) {
    t0 = now_ns();
    CHECK(lvm_send_after(self, 5, "x", 1, 5000000, &ref) == LVM_OK);
    CHECK(lvm_receive(&tag, 1, 5000000000LL, buf, sizeof buf, &info) == LVM_OK);
    const uint64_t took = now_ns() - t0;
    CHECK(took >= 5000000);
    if (took - 5000000 > late_max) late_max = took - 5000000;
  }
  lvm_kill(s1);
  lvm_kill(s2);
  // (Not asserted: timing belongs in benchmarks. Printed for the record.)
  printf("timers: under load, 10 timers of 5 ms arrived; latest %.1f ms late\n", (double)late_max / 1e6);
  CHECK(lvm_send_after(self, 1, 0, 0, -1, &ref) == LVM_EINVAL);
  CHECK(lvm_send_after(self, LVM_TAG_DOWN, 0, 0, 0, &ref) == LVM_EINVAL);
}

// Receives that time out, back to back with nothing else running: each
// timer's firing must not look like a deadlock (every worker idle, no timer
// left) before it has woken its process.
static void timeouts_scenario(void) {
  lvm_msg_info info;
  int timed_out = 0;
  for (int k = 0; k < 2000; k++) timed_out += lvm_receive_any(100000, 0, 0, &info) == LVM_ETIMEDOUT;
  CHECK(timed_out == 2000);
  printf("timeouts: 2000 receives timed out in a row, no false deadlock\n");
}

// A process waiting forever with nothing to wake it: the VM reports a
// deadlock instead of hanging (the script checks the exit code).
static void sleeper(void) { lvm_receive_any(LVM_INFINITY, 0, 0, 0); }
static void deadlock_scenario(void) {
  lvm_pid_t child;
  CHECK(lvm_spawn(sleeper, 0, 0, &child) == LVM_OK);
  lvm_msg_info info;
  lvm_receive_any(1000000, 0, 0, &info);  // a timer that fires, then none
  printf("deadlock: waiting forever\n");
  fflush(stdout);
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);
}

// ---- limits ----

static void grower(void) {
  lvm_pid_t parent = arg_pid();
  int32_t r[4];
  r[0] = (int32_t)__builtin_wasm_memory_size(0);
  r[1] = (int32_t)__builtin_wasm_memory_grow(0, 1);
  r[2] = (int32_t)__builtin_wasm_memory_grow(0, 1);
  r[3] = (int32_t)__builtin_wasm_memory_grow(0, 1);
  lvm_send(parent, 1, r, sizeof r);
}

static void memlimit_scenario(void) {
  lvm_pid_t self = lvm_self(), c;
  const uint32_t pages = (uint32_t)__builtin_wasm_memory_size(0);
  lvm_spawn_opts o = {0, 0, 0, 0};
  int32_t r[4];
  lvm_msg_info info;
  // First, how big a fresh child starts.
  CHECK(lvm_spawn_opt(grower, &self, sizeof self, &o, &c) == LVM_OK);
  CHECK(lvm_receive_any(5000000000LL, r, sizeof r, &info) == LVM_OK);
  const int32_t initial = r[0];
  CHECK(r[1] == initial && r[2] == initial + 1);  // no limit: grows
  // A child's memory starts at the module's initial size: allow two more pages.
  o.max_memory_pages = (uint32_t)initial + 2;
  CHECK(lvm_spawn_opt(grower, &self, sizeof self, &o, &c) == LVM_OK);
  CHECK(lvm_receive_any(5000000000LL, r, sizeof r, &info) == LVM_OK);
  CHECK(r[0] == initial && r[1] == initial && r[2] == initial + 1 && r[3] == -1);
  printf("memlimit: with a limit of %d pages, memory.grow gave %d, %d, then %d (parent has %u pages)\n",
         initial + 2, r[1], r[2], r[3], pages);
  o.max_memory_pages = 1;  // below the module's initial memory: the spawn fails
  CHECK(lvm_spawn_opt(grower, &self, sizeof self, &o, &c) == LVM_ELIMIT);
  lvm_spawn_opts bad = {64, 0, 0, 0};
  CHECK(lvm_spawn_opt(grower, &self, sizeof self, &bad, &c) == LVM_EINVAL);
  printf("memlimit: a limit below the initial memory refuses the spawn (LVM_ELIMIT)\n");
}

static void spin_and_spawn(void) {
  lvm_pid_t parent = arg_pid();
  lvm_spawn_opts o = {LVM_SPAWN_MONITOR, 0, 0, 0};  // inherits the fuel limit
  lvm_pid_t c;
  lvm_spawn_opt(spinner, 0, 0, &o, &c);
  exit_msg m;
  if (receive_signal(LVM_TAG_DOWN, 10000, &m)) lvm_send(parent, 2, &m, sizeof m.h + m.text_len);
  spinner();
}

static void short_task(void) {
  for (int i = 0; i < 1000; i++) spin_sink++;
}

static void fuel_scenario(void) {
  lvm_pid_t self = lvm_self(), c;
  exit_msg m;
  lvm_spawn_opts o = {LVM_SPAWN_MONITOR, 0, 1000000, 0};
  CHECK(lvm_spawn_opt(spinner, 0, 0, &o, &c) == LVM_OK);
  CHECK(receive_signal(LVM_TAG_DOWN, 10000, &m) && m.h.kind == LVM_EXIT_TRAP && strstr(m.text, "fuel"));
  printf("fuel: a spinning process with 1,000,000 reductions ended: \"%s\"\n", m.text);
  CHECK(lvm_spawn_opt(short_task, 0, 0, &o, &c) == LVM_OK);
  CHECK(receive_signal(LVM_TAG_DOWN, 10000, &m) && m.h.kind == LVM_EXIT_NORMAL);
  printf("fuel: a short task within its fuel ends normally\n");
  // Inherited: the child's child spins and runs out too.
  CHECK(lvm_spawn_opt(spin_and_spawn, &self, sizeof self, &o, &c) == LVM_OK);
  lvm_msg_info info;
  int64_t tag = 2;
  char buf[256];
  CHECK(lvm_receive(&tag, 1, 10000000000LL, buf, sizeof buf, &info) == LVM_OK);
  lvm_exit_info h;
  memcpy(&h, buf, sizeof h);
  CHECK(h.kind == LVM_EXIT_TRAP);
  CHECK(receive_signal(LVM_TAG_DOWN, 10000, &m) && m.h.pid == c && m.h.kind == LVM_EXIT_TRAP);
  printf("fuel: the limit is inherited by children\n");
}

static void try_spawn(void) {
  lvm_pid_t parent = arg_pid(), c;
  int32_t st = lvm_spawn(returner, 0, 0, &c);
  lvm_send(parent, 1, &st, sizeof st);
}

static void nospawn_scenario(void) {
  lvm_pid_t self = lvm_self(), c;
  lvm_spawn_opts o = {LVM_SPAWN_NO_SPAWN, 0, 0, 0};
  CHECK(lvm_spawn_opt(try_spawn, &self, sizeof self, &o, &c) == LVM_OK);
  int32_t st = -1;
  lvm_msg_info info;
  CHECK(lvm_receive_any(5000000000LL, &st, sizeof st, &info) == LVM_OK && st == LVM_EPERM);
  lvm_spawn_opts ok = {0, 0, 0, 0};
  CHECK(lvm_spawn_opt(try_spawn, &self, sizeof self, &ok, &c) == LVM_OK);
  CHECK(lvm_receive_any(5000000000LL, &st, sizeof st, &info) == LVM_OK && st == LVM_OK);
  printf("nospawn: the child without the right to spawn got LVM_EPERM\n");
}

// ---- spawn bomb ----

static void bomb(void) {
  lvm_pid_t root = arg_pid(), c;
  for (int i = 0; i < 2; i++) {
    int32_t st = lvm_spawn(bomb, &root, sizeof root, &c);
    if (st != LVM_OK) {
      lvm_send(root, 9, &st, sizeof st);
      break;
    }
  }
  wait_forever();
}

static void echo(void) {
  lvm_msg_info info;
  char buf[16];
  for (;;) {
    lvm_receive_any(LVM_INFINITY, buf, sizeof buf, &info);
    lvm_send(info.sender, info.tag, buf, info.copied);
  }
}

static void bomb_scenario(void) {
  lvm_pid_t self = lvm_self(), server, b;
  CHECK(lvm_spawn(echo, 0, 0, &server) == LVM_OK);
  CHECK(lvm_spawn(bomb, &self, sizeof self, &b) == LVM_OK);
  int32_t st = 0;
  lvm_msg_info info;
  int64_t tag = 9;
  CHECK(lvm_receive(&tag, 1, 30000000000LL, &st, sizeof st, &info) == LVM_OK);
  CHECK(st == LVM_ELIMIT);
  int answered = 0;
  for (int i = 0; i < 100; i++) {
    char buf[4];
    tag = 1000 + i;
    lvm_send(server, tag, "ping", 4);
    if (lvm_receive(&tag, 1, 5000000000LL, buf, sizeof buf, &info) == LVM_OK) answered++;
  }
  CHECK(answered == 100);
  printf("bomb: spawning stopped at the cap with status %d (LVM_ELIMIT); the echo server answered %d pings\n", st,
         answered);
  fflush(stdout);
  lvm_exit(failures ? 1 : 0);  // the root's end ends every process
}

// ---- out-of-range values ----

static void badargs_scenario(void) {
  exit_msg m;
  CHECK(lvm_link(0) == LVM_ENOPROC && lvm_link(~0ull) == LVM_ENOPROC);
  CHECK(lvm_link(lvm_self()) == LVM_OK);  // a no-op
  CHECK(lvm_unlink(0) == LVM_OK && lvm_unlink(~0ull) == LVM_OK);
  uint64_t ref;
  CHECK(lvm_monitor(0, &ref) == LVM_OK);
  CHECK(receive_signal(LVM_TAG_DOWN, 1000, &m) && m.h.kind == LVM_EXIT_NOPROC);
  CHECK(lvm_demonitor(12345) == LVM_ENOTFOUND);
  CHECK(lvm_cancel_timer(0) == LVM_ENOTFOUND && lvm_cancel_timer(~0ull) == LVM_ENOTFOUND);
  CHECK(lvm_trap_exit(7) == 0 && lvm_trap_exit(-1) == 1 && lvm_trap_exit(0) == 1);
  CHECK(lvm_send(lvm_self(), LVM_TAG_EXIT, 0, 0) == LVM_EINVAL);
  lvm_spawn_opts o = {0, 0, 0x8000000000000000ull, 0};
  lvm_pid_t c;
  CHECK(lvm_spawn_opt(returner, 0, 0, &o, &c) == LVM_EINVAL);
  lvm_spawn_opts z = {0, 0, 0, 0};
  CHECK(lvm_spawn_opt_raw(0xFFFFFFu, 0, 0, &z, &c) == LVM_ENOENTRY);
  printf("badargs: out-of-range pids, references and flags give statuses, not traps\n");
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "link")) link_scenario();
  else if (!strcmp(what, "trapexit")) trapexit_scenario();
  else if (!strcmp(what, "monitor")) monitor_scenario();
  else if (!strcmp(what, "registry")) registry_scenario();
  else if (!strcmp(what, "timers")) timers_scenario();
  else if (!strcmp(what, "timeouts")) timeouts_scenario();
  else if (!strcmp(what, "deadlock")) deadlock_scenario();
  else if (!strcmp(what, "memlimit")) memlimit_scenario();
  else if (!strcmp(what, "fuel")) fuel_scenario();
  else if (!strcmp(what, "nospawn")) nospawn_scenario();
  else if (!strcmp(what, "bomb")) bomb_scenario();
  else if (!strcmp(what, "badargs")) badargs_scenario();
  else {
    fprintf(stderr, "usage: signals.wasm link|trapexit|monitor|registry|timers|memlimit|fuel|nospawn|bomb|badargs\n");
    return 2;
  }
  return failures ? 1 : 0;
}
