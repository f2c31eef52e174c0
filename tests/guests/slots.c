// Linear memories in small slots (issue 17): a slot is sized to the
// memory's initial size, and a memory that grows past it moves to a larger
// slot. Linked with a 1 MiB maximum memory (so every process gets a small
// slot, as procbench's do). One scenario per argv[1]; each prints what it
// observed and exits 0 only if every expectation held (test_slots.sh):
//   grow   16 processes grow their memories page by page past their slots,
//          checking their statics and every page they wrote after each
//          step, and again after waiting, while 4 others exchange messages
//          and 2 spin; then 16 new processes (which get the freed slots)
//          find their memory zero beyond their statics
#include "guest_test.h"
#include <stdio.h>
#include <string.h>

static uint32_t table[64] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
static volatile uint32_t spin_sink;

static uint32_t pages(void) { return (uint32_t)__builtin_wasm_memory_size(0); }

static int statics_ok(void) {
  static const uint32_t want[16] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
  for (int i = 0; i < 16; i++)
    if (table[i] != want[i]) return 0;
  for (int i = 16; i < 64; i++)
    if (table[i] != 0) return 0;
  return 1;
}

// Every word of pages [first, last) holds its address xor `key`.
static void fill(uint32_t first, uint32_t last, uint32_t key) {
  for (uint32_t a = first * 65536u; a < last * 65536u; a += 4) *(volatile uint32_t *)(uintptr_t)a = a ^ key;
}
static int filled(uint32_t first, uint32_t last, uint32_t key) {
  for (uint32_t a = first * 65536u; a < last * 65536u; a += 4)
    if (*(volatile uint32_t *)(uintptr_t)a != (a ^ key)) return 0;
  return 1;
}

static void grower(void) {
  const lvm_pid_t parent = arg_pid();
  lvm_msg_info info;
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);
  const uint32_t first = pages(), key = (uint32_t)lvm_self() * 2654435761u;
  uint32_t bad = 0;
  table[20] = key;  // a write before the moves, in the first slot
  while (pages() < 16) {
    const int32_t old = __builtin_wasm_memory_grow(0, 1);
    if (old < 0) {
      bad++;
      break;
    }
    fill((uint32_t)old, (uint32_t)old + 1, key);
    table[20] ^= 1;
    table[20] ^= 1;
    if (!filled(first, (uint32_t)old + 1, key) || table[20] != key) bad++;
  }
  table[20] = 0;
  if (!statics_ok()) bad++;
  lvm_send(parent, 1, &bad, sizeof bad);
  lvm_receive_any(LVM_INFINITY, 0, 0, &info);  // waits in its moved memory
  if (!filled(first, 16, key) || !statics_ok() || (int32_t)__builtin_wasm_memory_grow(0, 1) != -1) bad++;
  lvm_send(parent, 2, &bad, sizeof bad);
}

static void pinger(void) {
  const lvm_pid_t parent = arg_pid();
  lvm_msg_info info;
  lvm_pid_t peer = 0;
  lvm_receive_any(LVM_INFINITY, &peer, sizeof peer, &info);  // the peer, or 0: answer
  for (int i = 0; i < 2000; i++) {
    uint32_t v = (uint32_t)i;
    if (peer) {
      lvm_send(peer, 3, &v, sizeof v);
      lvm_receive_any(LVM_INFINITY, &v, sizeof v, &info);
    } else {
      lvm_receive_any(LVM_INFINITY, &v, sizeof v, &info);
      lvm_send(info.sender, 3, &v, sizeof v);
    }
  }
  lvm_send(parent, 4, 0, 0);
}

static void spinner(void) {
  for (;;) spin_sink++;
}

static void fresh(void) {
  const lvm_pid_t parent = arg_pid();
  extern unsigned char __heap_base;
  uint32_t nonzero = 0;
  const uint32_t n = pages() * 65536u;
  for (uint32_t a = (uint32_t)(uintptr_t)&__heap_base; a < n; a++) nonzero += *(volatile uint8_t *)(uintptr_t)a != 0;
  if (!statics_ok()) nonzero++;
  lvm_send(parent, 5, &nonzero, sizeof nonzero);
}

static void grow(void) {
  enum { kGrowers = 16 };
  lvm_pid_t self = lvm_self(), growers[kGrowers], pingers[4], spinners[2];
  for (int i = 0; i < kGrowers; i++) CHECK(lvm_spawn(grower, &self, sizeof self, &growers[i]) == LVM_OK);
  for (int i = 0; i < 4; i++) CHECK(lvm_spawn(pinger, &self, sizeof self, &pingers[i]) == LVM_OK);
  for (int i = 0; i < 2; i++) CHECK(lvm_spawn(spinner, 0, 0, &spinners[i]) == LVM_OK);
  const lvm_pid_t none = 0;
  CHECK(lvm_send(pingers[0], 0, &pingers[1], sizeof(lvm_pid_t)) == LVM_OK);
  CHECK(lvm_send(pingers[1], 0, &none, sizeof none) == LVM_OK);
  CHECK(lvm_send(pingers[2], 0, &pingers[3], sizeof(lvm_pid_t)) == LVM_OK);
  CHECK(lvm_send(pingers[3], 0, &none, sizeof none) == LVM_OK);
  for (int i = 0; i < kGrowers; i++) CHECK(lvm_send(growers[i], 0, 0, 0) == LVM_OK);
  lvm_msg_info info;
  uint32_t bad = 0, grown = 0, pinged = 0;
  while (grown < kGrowers || pinged < 4) {
    uint32_t v = 0;
    CHECK(lvm_receive_any(LVM_INFINITY, &v, sizeof v, &info) == LVM_OK);
    if (info.tag == 1) grown++, bad += v;
    else if (info.tag == 4) pinged++;
  }
  for (int i = 0; i < kGrowers; i++) CHECK(lvm_send(growers[i], 0, 0, 0) == LVM_OK);
  for (int got = 0; got < kGrowers;) {
    uint32_t v = 0;
    CHECK(lvm_receive_any(LVM_INFINITY, &v, sizeof v, &info) == LVM_OK);
    if (info.tag == 2) got++, bad += v;
  }
  for (int i = 0; i < 2; i++) CHECK(lvm_kill(spinners[i]) == LVM_OK);
  lvm_sleep(20000000);  // the growers are gone: their slots are free
  uint32_t dirty = 0;
  for (int i = 0; i < kGrowers; i++) {
    lvm_pid_t p;
    CHECK(lvm_spawn(fresh, &self, sizeof self, &p) == LVM_OK);
  }
  for (int got = 0; got < kGrowers;) {
    uint32_t v = 0;
    CHECK(lvm_receive_any(LVM_INFINITY, &v, sizeof v, &info) == LVM_OK);
    if (info.tag == 5) got++, dirty += v;
  }
  CHECK(bad == 0);
  CHECK(dirty == 0);
  printf("grow: %d memories grew to 16 pages past their slots beside messaging and spinning processes: %u bad "
         "checks; %d new processes: %u non-zero bytes\n",
         kGrowers, bad, kGrowers, dirty);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: slots.wasm grow\n");
    return 2;
  }
  if (!strcmp(argv[1], "grow")) grow();
  else {
    fprintf(stderr, "slots: unknown scenario %s\n", argv[1]);
    return 2;
  }
  return failures ? 1 : 0;
}
