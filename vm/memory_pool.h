// The engine's allocator of linear-memory slots (brief section 2). Slots are
// reused: a freed slot is reset with madvise (its pages return to the OS and
// read as zero again) and handed to the next memory, so spawning a process
// needs no mmap or munmap.
//
// A memory whose maximum (declared, or the per-process limit) is at most
// kSmallSlotMax gets a small slot: a power-of-two piece of one large
// mapping, so a million memories cost a handful of mappings instead of a
// million 8 GiB reservations (Linux allows ~16K of those, and 65,530
// mappings in all). Others get a guarded 8 GiB slot. A small slot is sized
// to the memory's initial size, not its maximum, so neighbours' touched
// pages share page tables (2 MiB of address space each); a memory that
// grows past its slot moves to a larger one (move()).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "vm/memory.h"

namespace lvm {

class MemoryPool {
 public:
  // The largest memory maximum served from small slots.
  static constexpr uint64_t kSmallSlotMax = uint64_t(64) << 20;

  // The process-wide pool.
  static MemoryPool& global();

  // A memory of `initial_pages` that may grow to the smallest of max_pages
  // and limit_pages; nullptr if that is impossible or address space ran out.
  // A small slot's memory starts `offset` bytes into it (a multiple of 64,
  // below a page; ignored when the largest slot could not hold the maximum
  // beyond it): ModuleImage places the data segments' span so that it
  // starts a page and touches no more pages than it must.
  std::shared_ptr<LinearMemory> acquire(uint64_t initial_pages, std::optional<uint64_t> max_pages,
                                        uint64_t limit_pages, uint64_t offset = 0);

  // Figures for tests and benchmarks.
  struct Stats {
    uint64_t live = 0;       // memories handed out and not yet freed
    uint64_t reused = 0;     // acquisitions served by a freed slot
    uint64_t mappings = 0;   // mmap calls made so far
  };
  Stats stats();

 private:
  friend class LinearMemory;
  // Resets the slot and keeps it for reuse (called by ~LinearMemory).
  void release(LinearMemory& m);
  // Moves small memory m to a slot of at least `bytes` (its reach at most),
  // copying its bytes, and gives its old slot back; false if there is none.
  bool move(LinearMemory& m, uint64_t bytes);
  // Zeroes [base, base + used) of a small slot of `slot_bytes` (replacing a
  // file mapped at [cow_at, +cow_len) first) and keeps it for reuse.
  void give_back(uint8_t* base, uint64_t slot_bytes, uint64_t used, uint64_t cow_at, uint64_t cow_len);
  // A free small slot of 2^shift bytes, or nullptr (address space); mu_ held.
  uint8_t* take_small(int shift);

  struct SmallClass {
    uint64_t slot_bytes = 0;
    std::vector<uint8_t*> free;
    uint8_t* next = nullptr;  // bump pointer in the newest chunk
    uint8_t* chunk_end = nullptr;
  };
  static constexpr int kMinShift = 16, kMaxShift = 26;  // 64 KiB .. 64 MiB
  static constexpr uint64_t kChunkBytes = uint64_t(64) << 30;

  std::mutex mu_;
  SmallClass small_[kMaxShift - kMinShift + 1];
  std::vector<uint8_t*> guarded_free_;
  Stats stats_;
};

}  // namespace lvm
