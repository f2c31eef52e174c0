#include "vm/message_blocks.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace lvm::message_blocks {
namespace {

constexpr uint32_t kMagazine = 64;             // blocks per magazine
constexpr size_t kSlabBlocks = 8 * kMagazine;  // blocks carved per slab

// A chain of free blocks, linked through their first word.
struct Chain {
  void* head = nullptr;
  uint32_t count = 0;
  void push(void* b) {
    *static_cast<void**>(b) = head;
    head = b;
    ++count;
  }
  void* pop() {
    void* b = head;
    head = *static_cast<void**>(b);
    --count;
    return b;
  }
};

// Full magazines of one size class shared by all threads, and the slabs
// they came from.
struct Depot {
  size_t block_bytes = 0;
  std::mutex mu;
  std::vector<Chain> full;
  std::vector<void*> slabs;  // kept for good (so leak checkers see them reachable)
  std::atomic<size_t> carved{0};

  // A full magazine, from the depot or from a new slab.
  Chain take_full() {
    std::lock_guard lock(mu);
    if (!full.empty()) {
      Chain c = full.back();
      full.pop_back();
      return c;
    }
    auto* slab = static_cast<uint8_t*>(std::aligned_alloc(kBlockAlign, kSlabBlocks * block_bytes));
    if (!slab) throw std::bad_alloc();
    slabs.push_back(slab);
    carved.fetch_add(kSlabBlocks, std::memory_order_relaxed);
    for (size_t m = 1; m < kSlabBlocks / kMagazine; ++m) {
      Chain c;
      for (size_t i = 0; i < kMagazine; ++i) c.push(slab + (m * kMagazine + i) * block_bytes);
      full.push_back(c);
    }
    Chain c;
    for (size_t i = 0; i < kMagazine; ++i) c.push(slab + i * block_bytes);
    return c;
  }
  void give_full(Chain c) {
    std::lock_guard lock(mu);
    full.push_back(c);
  }
};

Depot& depot(size_t c) {
  static Depot* d = [] {  // never destroyed: threads may free blocks during exit
    auto* all = new Depot[kClasses];
    for (size_t i = 0; i < kClasses; ++i) all[i].block_bytes = kClassBytes[i];
    return all;
  }();
  return d[c];
}

// This thread's two magazines per class: allocation and frees work on
// `loaded`; `spare` absorbs the swings around a magazine boundary without a
// trip to the depot. Constant-initialized and trivially destructible, so
// that reaching them takes no guard check.
struct Cache {
  Chain loaded, spare;
};
constinit thread_local Cache t_caches[kClasses];

// Gives the thread's magazines back to the depots when it exits.
struct Flush {
  ~Flush() {
    for (size_t c = 0; c < kClasses; ++c) {
      if (t_caches[c].loaded.count) depot(c).give_full(t_caches[c].loaded);
      if (t_caches[c].spare.count) depot(c).give_full(t_caches[c].spare);
      t_caches[c] = {};
    }
  }
};

// Takes the next block of `c`, prefetching the one after.
inline void* pop_block(Cache& c) {
  void* b = c.loaded.pop();
  // The next block was probably last written on another core (freed by a
  // receiver): start fetching its line now, for writing.
  if (c.loaded.head) __builtin_prefetch(c.loaded.head, 1);
  return b;
}

// Makes sure the thread's magazines go back when it exits.
void arm_flush() {
  thread_local Flush flush;
  (void)flush;
}

// The slow paths, out of line and reached by tail calls, so that the fast
// ones need no stack frame. They arm the thread's Flush: a thread holds
// more than one magazine's worth of blocks only after one of them.
[[gnu::noinline]] void* take_refilling(Cache& c, size_t cls) {
  arm_flush();
  if (c.spare.count) std::swap(c.loaded, c.spare);
  else c.loaded = depot(cls).take_full();
  return pop_block(c);
}

[[gnu::noinline]] void give_making_room(Cache& c, size_t cls, void* block) {
  arm_flush();
  if (c.spare.count) depot(cls).give_full(c.spare);  // (spare is full or empty)
  c.spare = c.loaded;
  c.loaded = Chain{};
  c.loaded.push(block);
}

}  // namespace

void* take(size_t cls) {
  Cache& c = t_caches[cls];
  if (c.loaded.count == 0) [[unlikely]]
    return take_refilling(c, cls);
  return pop_block(c);
}

void give(void* block, size_t cls) {
  Cache& c = t_caches[cls];
  if (c.loaded.count == kMagazine) [[unlikely]]
    return give_making_room(c, cls, block);
  c.loaded.push(block);
}

size_t carved(size_t c) { return depot(c).carved.load(std::memory_order_relaxed); }

}  // namespace lvm::message_blocks
