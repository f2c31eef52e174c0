// Random calls into the lvm ABI: children call every function with random
// pointers, lengths, pids, tags and timeouts (seeded, reproducible). A call
// may return a status or trap the child; neither may crash the VM or touch
// another process. The parent spawns children one after another and checks
// it is still running at the end; it prints how many children trapped.
//   abi_fuzz.wasm [CHILDREN] [SEED]
#include <lvm.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;
static uint64_t rnd(void) {  // splitmix64
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
// Mostly plausible values (small, in memory), sometimes wild ones.
static uint32_t ptr(void) {
  switch (rnd() % 4) {
    case 0: return (uint32_t)rnd();
    case 1: return 0;
    default: return (uint32_t)(rnd() % (__builtin_wasm_memory_size(0) * 65536u));
  }
}
static uint32_t len(void) { return rnd() % 3 ? (uint32_t)(rnd() % 64) : (uint32_t)rnd(); }
static int64_t any64(void) { return rnd() % 2 ? (int64_t)rnd() : (int64_t)(rnd() % 8) - 2; }

static lvm_pid_t parent;

static void fuzzer(void) {
  uint64_t seed = 0;
  lvm_args(&seed, sizeof seed);
  state = seed;
  for (int i = 0; i < 200; i++) {
    lvm_pid_t pid;
    int32_t h;
    lvm_msg_info info;
    switch (rnd() % 13) {
      case 0: lvm_self(); break;
      case 1: lvm_spawn_raw((uint32_t)rnd() % 8, (void *)(uintptr_t)ptr(), len(), (lvm_pid_t *)(uintptr_t)ptr()); break;
      case 2: lvm_spawn_export((const char *)(uintptr_t)ptr(), len(), (void *)(uintptr_t)ptr(), len(), (lvm_pid_t *)(uintptr_t)ptr()); break;
      case 3: lvm_module_compile((const void *)(uintptr_t)ptr(), len(), &h); break;
      case 4: lvm_spawn_module((int32_t)rnd(), (const char *)(uintptr_t)ptr(), len(), (void *)(uintptr_t)ptr(), len(), &pid); break;
      case 5: lvm_args((void *)(uintptr_t)ptr(), len()); break;
      case 6: lvm_send(rnd() % 2 ? parent : (lvm_pid_t)any64(), any64(), (const void *)(uintptr_t)ptr(), len()); break;
      case 7: lvm_receive((const int64_t *)(uintptr_t)ptr(), len() % 32, rnd() % 2 ? 0 : 1000, (void *)(uintptr_t)ptr(), len(), (lvm_msg_info *)(uintptr_t)ptr()); break;
      case 8: lvm_message_read((uint32_t)rnd(), (void *)(uintptr_t)ptr(), len()); break;
      case 9: lvm_sleep(rnd() % 2 ? -(int64_t)(rnd() % 1000) : (int64_t)(rnd() % 1000)); break;
      case 10: lvm_yield(); break;
      case 11: lvm_kill((lvm_pid_t)any64() == parent ? 0 : (lvm_pid_t)any64()); break;
      case 12: lvm_receive_any(0, 0, 0, &info); break;
    }
  }
}

int main(int argc, char **argv) {
  const uint32_t children = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : 2000;
  const uint64_t seed = argc > 2 ? strtoull(argv[2], 0, 10) : 1;
  parent = lvm_self();
  uint32_t spawned = 0;
  for (uint32_t c = 0; c < children; c++) {
    uint64_t s = seed * 1000003u + c;
    lvm_pid_t pid;
    if (lvm_spawn(fuzzer, &s, sizeof s, &pid) == LVM_OK) spawned++;
    lvm_msg_info info;
    while (lvm_receive_any(LVM_NOWAIT, 0, 0, &info) == LVM_OK) {
    }
    if (c % 64 == 0) lvm_sleep(100000);
  }
  lvm_sleep(200000000);
  printf("abi_fuzz: %u children made random ABI calls; the parent is still running\n", spawned);
  return spawned == children ? 0 : 1;
}
