// Linear memory (spec 4.2.8) allocated by the engine itself (brief section
// 2). A memory lives in a slot of address space, and compiled code keeps its
// base in a register:
//  - a guarded slot: an 8 GiB reservation, so every 32-bit address plus a
//    32-bit static offset lands either in accessible pages or in the
//    inaccessible guard; pages are made accessible as the memory grows;
//  - a small slot (MemoryPool, for memories with a small maximum): a piece of
//    one large mapping, as big as the memory's initial size (rounded up to a
//    power of two, at least 64 KiB), relying on the explicit bounds checks
//    every tier makes. A million of them fit in the address space, and
//    their touched pages share page tables. A memory that grows past its
//    slot moves to a larger one (its bytes copied; the base changes): both
//    tiers reload the base after memory.grow and after every call out to
//    C++ (the interpreter keeps it in its dispatch loop, which reloads it
//    there; compiled code's stubs reload the pinned register).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "loader/types.h"

namespace lvm {

class MemoryPool;

class LinearMemory {
 public:
  // Reserves a guarded slot of its own and commits `initial_pages`. Returns
  // nullptr if the reservation fails (address space exhausted) or the
  // initial size is beyond `limit_pages`.
  static std::unique_ptr<LinearMemory> create(uint64_t initial_pages, std::optional<uint64_t> max_pages,
                                              uint64_t limit_pages = kMaxMemoryPages);
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  // Its bytes. Never moves in a guarded slot; in a small slot it moves when
  // grow() outgrows the slot.
  uint8_t* base() const { return base_; }
  uint64_t size() const { return size_; }  // in bytes
  uint64_t pages() const { return size_ / kPageSize; }
  std::optional<uint64_t> max_pages() const { return max_pages_; }
  // The most pages it may grow to: the declared maximum, the engine or
  // per-process limit, and the slot's capacity, whichever is smallest.
  uint64_t limit_pages() const;
  // The engine or per-process limit it was made with.
  uint64_t configured_limit_pages() const { return limit_pages_; }

  // memory.grow (spec 4.4.7.12): returns the old size in pages, or -1 if the
  // result would exceed the maximum, the limit or available memory.
  int64_t grow(uint64_t delta_pages);

  // Granules written since the last restore(), one byte per 256 bytes of
  // the slot (non-zero: written); fine enough that a process that writes a
  // few statics costs a few hundred bytes to reset. Every writer marks what it writes: the
  // interpreter's stores, bulk operations, host calls (HostCall::ptr).
  static constexpr unsigned kDirtyShift = 8;
  uint8_t* dirty_map() const { return dirty_; }
  void mark_dirty(uint64_t addr, uint64_t len) {
    if (!len) return;
    uint8_t* const d = dirty_;  // (the byte stores could alias dirty_ itself)
    const uint64_t first = addr >> kDirtyShift, last = (addr + len - 1) >> kDirtyShift;
    d[first] = d[last] = 1;  // a small write touches one or two granules
    for (uint64_t p = first + 1; p < last; ++p) d[p] = 1;
  }
  // Puts the memory back in its initial state without a system call when it
  // did not grow: every written granule is zeroed and then gets its bytes of
  // `image` (which starts at `image_offset`) back, and the size returns to
  // `initial_pages`. Returns false if it grew (the caller should let the
  // slot go back to the pool instead).
  // Also false once set_untracked() was called.
  bool restore(const uint8_t* image, uint64_t image_offset, uint64_t image_len, uint64_t initial_pages);
  // Code that does not mark its writes runs on this memory
  // (jit::CodeVariant): the dirty map no longer says what was written, so
  // restore() refuses.
  void set_untracked() { untracked_ = true; }

  // Maps [offset, offset + len) of file `fd` over [at, at + len) of the
  // memory, private (copy-on-write): pages are shared with every other
  // memory mapping the same file until written. All four must be multiples
  // of the host page size and the range inside the memory. False if the
  // kernel refuses (out of mappings, say); the memory is then unchanged.
  bool map_copy_on_write(int fd, uint64_t offset, uint64_t at, uint64_t len);

  // True if it lives in a guarded reservation: every access from its base
  // up to kReservation beyond its size faults. False for a small slot.
  bool guarded() const { return guarded_; }

  // True if [addr, addr + len) is inside the memory.
  bool in_bounds(uint64_t addr, uint64_t len) const { return addr <= size_ && len <= size_ - addr; }

  // Size of a guarded slot (accessible pages plus guard).
  static constexpr uint64_t kReservation = uint64_t(8) << 30;  // 4 GiB + 4 GiB of guard

 private:
  friend class MemoryPool;
  LinearMemory() = default;
  bool resize_dirty_map(uint64_t new_size);
  uint8_t* base_ = nullptr;
  uint8_t* dirty_ = nullptr;  // size_ >> kDirtyShift bytes (at least 8; a multiple of 8)
  uint64_t size_ = 0;
  uint64_t capacity_ = 0;       // bytes of the slot it has
  uint64_t reach_ = 0;          // bytes it may reach, moving to larger slots (small slots)
  uint64_t offset_ = 0;         // where the base is in its small slot (MemoryPool::acquire)
  bool guarded_ = true;         // pages beyond size_ are inaccessible
  bool untracked_ = false;      // set_untracked()
  MemoryPool* pool_ = nullptr;  // owner of the slot, or null: munmap on destruction
  uint64_t cow_at_ = 0, cow_len_ = 0;  // a file mapped copy-on-write (map_copy_on_write)
  std::optional<uint64_t> max_pages_;
  uint64_t limit_pages_ = kMaxMemoryPages;
};

}  // namespace lvm
