#include "vm/memory_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace lvm {

MemoryPool& MemoryPool::global() {
  static MemoryPool* pool = new MemoryPool();  // never destroyed: memories may outlive static destructors
  return *pool;
}

std::shared_ptr<LinearMemory> MemoryPool::acquire(uint64_t initial_pages, std::optional<uint64_t> max_pages,
                                                  uint64_t limit_pages, uint64_t offset) {
  const uint64_t max = std::min(max_pages.value_or(kMaxMemoryPages), limit_pages);
  if (initial_pages > max) return nullptr;
  std::unique_ptr<LinearMemory> m(new LinearMemory());
  m->max_pages_ = max_pages;
  m->limit_pages_ = limit_pages;
  m->pool_ = this;
  std::unique_lock lock(mu_);
  if (max * kPageSize <= kSmallSlotMax) {
    // Sized to the initial size; the maximum is how far it may move up.
    auto shift_for = [](uint64_t bytes) {
      return std::max(kMinShift, int(std::bit_width(std::max<uint64_t>(bytes, 1) - 1)));
    };
    // The base `offset` bytes into the slot, if the largest slot it may
    // move to still holds its maximum beyond that.
    if (offset && shift_for(max * kPageSize + offset) > kMaxShift) offset = 0;
    const int shift = shift_for(initial_pages * kPageSize + offset);
    uint8_t* slot = take_small(shift);
    if (!slot) return nullptr;
    m->base_ = slot + offset;
    m->offset_ = offset;
    m->capacity_ = (uint64_t(1) << shift) - offset;
    m->reach_ = (uint64_t(1) << shift_for(max * kPageSize + offset)) - offset;
    m->guarded_ = false;
    ++stats_.live;
    lock.unlock();
    if (!m->resize_dirty_map(initial_pages * kPageSize)) return nullptr;  // ~LinearMemory returns the slot
    m->size_ = initial_pages * kPageSize;
  } else {
    if (!guarded_free_.empty()) {
      m->base_ = guarded_free_.back();
      guarded_free_.pop_back();
      ++stats_.reused;
    } else {
      lock.unlock();
      void* p = mmap(nullptr, LinearMemory::kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      lock.lock();
      if (p == MAP_FAILED) return nullptr;
      ++stats_.mappings;
      m->base_ = static_cast<uint8_t*>(p);
    }
    m->capacity_ = m->reach_ = kMaxMemoryPages * kPageSize;
    m->guarded_ = true;
    ++stats_.live;
    lock.unlock();
    if (!m->resize_dirty_map(0) || (initial_pages && m->grow(initial_pages) < 0)) return nullptr;
  }
  return std::shared_ptr<LinearMemory>(m.release());
}

uint8_t* MemoryPool::take_small(int shift) {
  SmallClass& c = small_[shift - kMinShift];
  c.slot_bytes = uint64_t(1) << shift;
  if (!c.free.empty()) {
    uint8_t* p = c.free.back();
    c.free.pop_back();
    ++stats_.reused;
    return p;
  }
  if (c.next == c.chunk_end) {
    void* p = mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    ++stats_.mappings;
    c.next = static_cast<uint8_t*>(p);
    c.chunk_end = c.next + kChunkBytes;
  }
  uint8_t* p = c.next;
  c.next += c.slot_bytes;
  return p;
}

bool MemoryPool::move(LinearMemory& m, uint64_t bytes) {
  if (m.guarded_ || bytes > m.reach_) return false;
  const int shift = std::max(kMinShift, int(std::bit_width(bytes + m.offset_ - 1)));
  uint8_t* to;
  {
    std::lock_guard lock(mu_);
    to = take_small(shift);
  }
  if (!to) return false;
  to += m.offset_;
  std::memcpy(to, m.base_, m.size_);
  give_back(m.base_ - m.offset_, m.capacity_ + m.offset_, m.size_ + m.offset_, m.cow_at_, m.cow_len_);
  m.base_ = to;
  m.capacity_ = (uint64_t(1) << shift) - m.offset_;
  m.cow_at_ = m.cow_len_ = 0;
  return true;
}

void MemoryPool::give_back(uint8_t* base, uint64_t slot_bytes, uint64_t used, uint64_t cow_at, uint64_t cow_len) {
  // Zero what the memory used, giving the pages back to the OS. A file
  // mapped copy-on-write is replaced by anonymous memory first: dropping
  // its pages would bring the file's bytes back, not zeros. If even that
  // fails the slot is not reused.
  if (cow_len && mmap(base + cow_at, cow_len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
    return;
  if (used) madvise(base, used, MADV_DONTNEED);
  std::lock_guard lock(mu_);
  small_[std::countr_zero(slot_bytes) - kMinShift].free.push_back(base);
}

void MemoryPool::release(LinearMemory& m) {
  // (The dirty map goes with the LinearMemory object.)
  if (!m.base_) return;  // (acquire failed before it had a slot)
  if (!m.guarded_) {
    give_back(m.base_ - m.offset_, m.capacity_ + m.offset_, m.size_ + m.offset_, m.cow_at_, m.cow_len_);
    std::lock_guard lock(mu_);
    --stats_.live;
    return;
  }
  if (m.cow_len_ &&
      mmap(m.base_ + m.cow_at_, m.cow_len_, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED) {
    std::lock_guard lock(mu_);
    --stats_.live;
    return;
  }
  if (m.size_) madvise(m.base_, m.size_, MADV_DONTNEED);
  if (m.size_) mprotect(m.base_, m.size_, PROT_NONE);
  std::lock_guard lock(mu_);
  --stats_.live;
  guarded_free_.push_back(m.base_);
}

MemoryPool::Stats MemoryPool::stats() {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace lvm
