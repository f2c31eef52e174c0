/* Process benchmarks, run under lvm by scripts/bench-processes (the same
 * workloads as bench/peers/procbench.escript on the BEAM). One workload per
 * argv[1]; each prints `RESULT <name> <value> <unit>` lines.
 *
 *   spawn N R      spawn N processes that each send one reply and end;
 *                  collect the replies; R rounds, median ns per process
 *   pingpong N R   N round trips between two processes per round;
 *                  R rounds, median ns per round trip
 *   throughput N R one sender sends N 8-byte messages, the receiver counts
 *                  them and acknowledges the last; median messages/s
 *   switch N       two processes hand the worker to each other with yield,
 *                  N times each; ns per switch (run it with --threads 1)
 *   hostcall N     N calls of lvm_self(), the cheapest host function: the
 *                  cost of crossing into the host and back; ns per call
 *   idle N         spawns N processes that wait in receive forever; prints
 *                  BASE before and READY after, pausing so the harness can
 *                  read the RSS
 *   live N         spawns N processes that each tell the parent they are up
 *                  and then wait in receive forever; the time from the first
 *                  spawn to the last "up" is the cost of a process that stays
 *                  alive (no slot or stack to reuse); prints BASE before,
 *                  `RESULT live <ns per process> ns` and READY after, so the
 *                  harness can read the memory of N waiting processes
 *
 * Linked with a 1 MiB maximum memory, so each process gets a small memory
 * slot (see vm/memory_pool.h); the processes keep their buffers in statics. */
#include <lvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static lvm_pid_t parent;   /* every child's copy, from its spawn arguments */
static uint64_t word;
static lvm_msg_info info;

static void load_parent(void) { lvm_args(&parent, sizeof parent); }

/* ---- spawn ---- */
static void replier(void) {
  load_parent();
  lvm_send(parent, 1, 0, 0);
}

static void bench_spawn(uint32_t n, int rounds) {
  double per[64];
  lvm_pid_t self = lvm_self(), pid;
  for (int r = 0; r < rounds; r++) {
    uint32_t got = 0;
    const double t0 = now_ns();
    for (uint32_t i = 0; i < n; i++) {
      if (lvm_spawn(replier, &self, sizeof self, &pid) != LVM_OK) {
        fprintf(stderr, "procbench: spawn failed\n");
        exit(1);
      }
      while (lvm_receive_any(LVM_NOWAIT, 0, 0, &info) == LVM_OK) got++;
    }
    while (got < n) {
      lvm_receive_any(LVM_INFINITY, 0, 0, &info);
      got++;
    }
    per[r] = (now_ns() - t0) / n;
  }
  printf("RESULT spawn %.1f ns\n", median(per, rounds));
}

/* ---- ping-pong ---- */
static void ponger(void) {
  for (;;) {
    lvm_receive_any(LVM_INFINITY, &word, sizeof word, &info);
    if (info.tag == 0) return;
    lvm_send(info.sender, 2, &word, sizeof word);
  }
}

static void bench_pingpong(uint32_t n, int rounds) {
  double per[64];
  lvm_pid_t pid;
  lvm_spawn(ponger, 0, 0, &pid);
  for (int r = 0; r < rounds; r++) {
    const double t0 = now_ns();
    for (uint32_t i = 0; i < n; i++) {
      word = i;
      lvm_send(pid, 1, &word, sizeof word);
      lvm_receive_any(LVM_INFINITY, &word, sizeof word, &info);
    }
    per[r] = (now_ns() - t0) / n;
  }
  lvm_send(pid, 0, 0, 0);
  printf("RESULT pingpong %.1f ns\n", median(per, rounds));
}

/* ---- throughput ---- */
static uint32_t expect;
static void counter(void) {
  load_parent();
  for (;;) {
    uint32_t count = 0;
    lvm_receive_any(LVM_INFINITY, &expect, sizeof expect, &info);  /* how many will come */
    if (expect == 0) return;
    while (count < expect) {
      lvm_receive_any(LVM_INFINITY, &word, sizeof word, &info);
      count++;
    }
    lvm_send(parent, 3, &count, sizeof count);
  }
}

static void bench_throughput(uint32_t n, int rounds) {
  double rate[64];
  lvm_pid_t self = lvm_self(), pid;
  lvm_spawn(counter, &self, sizeof self, &pid);
  for (int r = 0; r < rounds; r++) {
    lvm_send(pid, 1, &n, sizeof n);
    const double t0 = now_ns();
    for (uint32_t i = 0; i < n; i++) {
      word = i;
      lvm_send(pid, 2, &word, sizeof word);
    }
    uint32_t count;
    lvm_receive_any(LVM_INFINITY, &count, sizeof count, &info);
    rate[r] = n / ((now_ns() - t0) * 1e-9);
  }
  uint32_t zero = 0;
  lvm_send(pid, 1, &zero, sizeof zero);
  printf("RESULT throughput %.0f msg/s\n", median(rate, rounds));
}

/* ---- context switch ---- */
static uint32_t switches;
static void yielder(void) {
  lvm_args(&switches, sizeof switches);
  for (uint32_t i = 0; i < switches; i++) lvm_yield();
}

static void bench_switch(uint32_t n) {
  lvm_pid_t pid;
  lvm_spawn(yielder, &n, sizeof n, &pid);
  const double t0 = now_ns();
  for (uint32_t i = 0; i < n; i++) lvm_yield();
  const double dt = now_ns() - t0;
  printf("RESULT switch %.1f ns\n", dt / (2.0 * n));
}

/* ---- host call ---- */
static void bench_hostcall(uint32_t n) {
  volatile lvm_pid_t sink = 0;
  const double t0 = now_ns();
  for (uint32_t i = 0; i < n; i++) sink = lvm_self();
  const double dt = now_ns() - t0;
  (void)sink;
  printf("RESULT hostcall %.1f ns\n", dt / n);
}

/* ---- idle processes ---- */
static void idler(void) { lvm_receive_any(LVM_INFINITY, 0, 0, &info); }

static void bench_idle(uint32_t n) {
  extern char __global_base, __data_end;
  printf("DATA %lu\n", (unsigned long)(&__data_end - &__global_base));
  printf("BASE\n");
  fflush(stdout);
  lvm_sleep(300000000);
  lvm_pid_t pid;
  for (uint32_t i = 0; i < n; i++)
    if (lvm_spawn(idler, 0, 0, &pid) != LVM_OK) {
      fprintf(stderr, "procbench: spawn %u failed\n", i);
      exit(1);
    }
  lvm_yield();
  printf("READY %u\n", n);
  fflush(stdout);
  /* Until the harness kills the VM (a timeout, so this is not a deadlock). */
  lvm_receive_any((int64_t)600 * 1000000000, 0, 0, &info);
}

/* ---- live processes ---- */
/* Like replier, but stays: the "up" message says it has run as far as its
 * receive (its stack is touched), so the time covers a whole live process. */
static void waiter(void) {
  load_parent();
  lvm_send(parent, 1, 0, 0);
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);
}

static void bench_live(uint32_t n) {
  printf("BASE\n");
  fflush(stdout);
  lvm_sleep(300000000);
  lvm_pid_t self = lvm_self(), pid;
  uint32_t up = 0;
  const double t0 = now_ns();
  for (uint32_t i = 0; i < n; i++) {
    if (lvm_spawn(waiter, &self, sizeof self, &pid) != LVM_OK) {
      fprintf(stderr, "procbench: spawn %u failed\n", i);
      exit(1);
    }
    while (lvm_receive_any(LVM_NOWAIT, 0, 0, &info) == LVM_OK) up++;
  }
  while (up < n) {
    lvm_receive_any(LVM_INFINITY, 0, 0, &info);
    up++;
  }
  const double dt = now_ns() - t0;
  printf("RESULT live %.1f ns\n", n ? dt / n : 0.0);
  printf("READY %u\n", n);
  fflush(stdout);
  /* Until the harness kills the VM (a timeout, so this is not a deadlock). */
  lvm_receive_any((int64_t)600 * 1000000000, 0, 0, &info);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: procbench.wasm spawn|pingpong|throughput|switch|hostcall|idle|live N [ROUNDS]\n");
    return 2;
  }
  const uint32_t n = (uint32_t)strtoul(argv[2], 0, 10);
  int rounds = argc > 3 ? atoi(argv[3]) : 5;
  if (rounds < 1 || rounds > 64) rounds = 5;
  if (!strcmp(argv[1], "spawn")) bench_spawn(n, rounds);
  else if (!strcmp(argv[1], "pingpong")) bench_pingpong(n, rounds);
  else if (!strcmp(argv[1], "throughput")) bench_throughput(n, rounds);
  else if (!strcmp(argv[1], "switch")) bench_switch(n);
  else if (!strcmp(argv[1], "hostcall")) bench_hostcall(n);
  else if (!strcmp(argv[1], "idle")) bench_idle(n);
  else if (!strcmp(argv[1], "live")) bench_live(n);
  else return 2;
  return 0;
}
