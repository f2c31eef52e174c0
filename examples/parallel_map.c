// parallel map: the root squares a data set in K worker processes (default
// 4), sending each a slice as its spawn arguments, and sums the replies.
// Each worker also shows what it can see of its parent: the root changed a
// static and filled its heap before spawning, and the workers see neither,
// because every process is a fresh instance with its own memory.
//   lvm run parallel_map.wasm [K]
#include <lvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 4096, MAX_WORKERS = 64 };

static int generation = 1;       // the root sets it to 2 before spawning
static uint32_t *shared_guess;   // the root points it at its heap data

struct job {
  uint32_t index, count;
  uint32_t heap_address;  // where the root's heap data is, as a plain number
  lvm_pid_t root;
  uint32_t values[];
};

struct reply {
  uint32_t index;
  int generation_seen;
  uint32_t heap_word_seen;  // what the worker reads at the root's heap address
  int pointer_was_null;     // the worker's own `shared_guess`
  uint64_t sum;
};

static void worker(void) {
  static uint8_t buf[sizeof(struct job) + N * sizeof(uint32_t)];
  int32_t n = lvm_args(buf, sizeof buf);
  if (n < (int32_t)sizeof(struct job)) lvm_exit(1);
  const struct job *j = (const struct job *)buf;
  struct reply r = {j->index, generation, 0, shared_guess == NULL, 0};
  for (uint32_t i = 0; i < j->count; i++) r.sum += (uint64_t)j->values[i] * j->values[i];
  // The same address in this process's memory holds nothing of the root's.
  memcpy(&r.heap_word_seen, (const void *)(uintptr_t)j->heap_address, sizeof r.heap_word_seen);
  lvm_send(j->root, 1, &r, sizeof r);
}

int main(int argc, char **argv) {
  uint32_t k = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : 4;
  if (k < 1 || k > MAX_WORKERS) k = 4;
  uint32_t *data = malloc(N * sizeof *data);
  for (uint32_t i = 0; i < N; i++) data[i] = i + 1;
  generation = 2;
  shared_guess = data;
  data[0] = 0xC0FFEE;  // a marker at the heap address the workers will look at
  uint64_t expect = 0;
  for (uint32_t i = 0; i < N; i++) expect += (uint64_t)data[i] * data[i];

  const uint32_t per = (N + k - 1) / k;
  struct job *j = malloc(sizeof *j + per * sizeof(uint32_t));
  for (uint32_t w = 0; w < k; w++) {
    const uint32_t lo = w * per, hi = lo + per < N ? lo + per : N;
    j->index = w;
    j->count = hi > lo ? hi - lo : 0;
    j->heap_address = (uint32_t)(uintptr_t)data;
    j->root = lvm_self();
    memcpy(j->values, data + lo, j->count * sizeof(uint32_t));
    lvm_pid_t pid;
    if (lvm_spawn(worker, j, sizeof *j + j->count * sizeof(uint32_t), &pid) != LVM_OK) return 1;
  }
  uint64_t total = 0;
  int isolated = 1;
  for (uint32_t w = 0; w < k; w++) {
    struct reply r;
    lvm_msg_info info;
    lvm_receive_any(LVM_INFINITY, &r, sizeof r, &info);
    total += r.sum;
    printf("worker %u: sum %llu; sees generation %d (root set 2), its pointer %s, heap word 0x%x at the root's "
           "address (root wrote 0xc0ffee)\n",
           r.index, (unsigned long long)r.sum, r.generation_seen, r.pointer_was_null ? "null" : "SET",
           r.heap_word_seen);
    isolated &= r.generation_seen == 1 && r.pointer_was_null && r.heap_word_seen != 0xC0FFEE;
  }
  printf("parallel_map: %u workers, sum of squares %llu (%s), children isolated: %s\n", k,
         (unsigned long long)total, total == expect ? "correct" : "WRONG", isolated ? "yes" : "NO");
  return total == expect && isolated ? 0 : 1;
}
