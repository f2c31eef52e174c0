// Shared by the scenario guests (processes.c, signals.c): a CHECK that
// counts failures instead of stopping, the monotonic clock, and the pid a
// child gets as its spawn arguments.
#ifndef LVM_GUEST_TEST_H
#define LVM_GUEST_TEST_H

#include <lvm.h>
#include <stdio.h>
#include <time.h>

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      printf("FAILED: %s (line %d)\n", #cond, __LINE__);              \
      failures++;                                                     \
    }                                                                 \
  } while (0)

static int failures;

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// The pid a child was given as its spawn arguments.
static inline lvm_pid_t arg_pid(void) {
  lvm_pid_t p = 0;
  lvm_args(&p, sizeof p);
  return p;
}

#endif
