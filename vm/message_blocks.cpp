#include "vm/message_blocks.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace lvm::message_blocks {
namespace {

constexpr uint32_t kMagazine = 64;                 // blocks per magazine
constexpr size_t kSlabBlocks = 8 * kMagazine;      // blocks carved per slab
constexpr size_t kSlabBytes = kSlabBlocks * kBlockBytes;

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

// Full magazines shared by all threads, and the slabs they came from.
struct Depot {
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
    auto* slab = static_cast<uint8_t*>(std::aligned_alloc(kBlockAlign, kSlabBytes));
    if (!slab) throw std::bad_alloc();
    slabs.push_back(slab);
    carved.fetch_add(kSlabBlocks, std::memory_order_relaxed);
    for (size_t m = 1; m < kSlabBlocks / kMagazine; ++m) {
      Chain c;
      for (size_t i = 0; i < kMagazine; ++i) c.push(slab + (m * kMagazine + i) * kBlockBytes);
      full.push_back(c);
    }
    Chain c;
    for (size_t i = 0; i < kMagazine; ++i) c.push(slab + i * kBlockBytes);
    return c;
  }
  void give_full(Chain c) {
    std::lock_guard lock(mu);
    full.push_back(c);
  }
};

Depot& depot() {
  static Depot* d = new Depot();  // never destroyed: threads may free blocks during exit
  return *d;
}

// This thread's two magazines: allocation and frees work on `loaded`;
// `spare` absorbs the swings around a magazine boundary without a trip to
// the depot.
struct Cache {
  Chain loaded, spare;
  ~Cache() {
    if (loaded.count) depot().give_full(loaded);
    if (spare.count) depot().give_full(spare);
  }
};
thread_local Cache t_cache;

}  // namespace

void* take() {
  Cache& c = t_cache;
  if (c.loaded.count == 0) [[unlikely]] {
    if (c.spare.count) std::swap(c.loaded, c.spare);
    else c.loaded = depot().take_full();
  }
  void* b = c.loaded.pop();
  // The next block was probably last written on another core (freed by a
  // receiver): start fetching its line now, for writing.
  if (c.loaded.head) __builtin_prefetch(c.loaded.head, 1);
  return b;
}

void give(void* block) {
  Cache& c = t_cache;
  if (c.loaded.count == kMagazine) [[unlikely]] {
    if (c.spare.count) depot().give_full(c.spare);  // (spare is full or empty)
    c.spare = c.loaded;
    c.loaded = Chain{};
  }
  c.loaded.push(block);
}

size_t carved() { return depot().carved.load(std::memory_order_relaxed); }

}  // namespace lvm::message_blocks
