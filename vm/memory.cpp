#include "vm/memory.h"

#include <sys/mman.h>

#include <algorithm>

#include "vm/memory_pool.h"

namespace lvm {

std::unique_ptr<LinearMemory> LinearMemory::create(uint64_t initial_pages, std::optional<uint64_t> max_pages,
                                                   uint64_t limit_pages) {
  std::unique_ptr<LinearMemory> m(new LinearMemory());
  m->max_pages_ = max_pages;
  m->limit_pages_ = limit_pages;
  if (initial_pages > limit_pages) return nullptr;
  void* p = mmap(nullptr, kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  m->base_ = static_cast<uint8_t*>(p);
  m->capacity_ = kMaxMemoryPages * kPageSize;
  if (initial_pages && m->grow(initial_pages) < 0) return nullptr;
  return m;
}

LinearMemory::~LinearMemory() {
  if (pool_) pool_->release(*this);
  else if (base_) munmap(base_, kReservation);
}

uint64_t LinearMemory::limit_pages() const {
  uint64_t max = std::min(limit_pages_, capacity_ / kPageSize);
  return max_pages_ ? std::min(*max_pages_, max) : max;
}

int64_t LinearMemory::grow(uint64_t delta_pages) {
  const uint64_t old_pages = pages();
  if (delta_pages == 0) return int64_t(old_pages);
  const uint64_t max = limit_pages();
  if (delta_pages > max || old_pages > max - delta_pages) return -1;
  const uint64_t new_size = (old_pages + delta_pages) * kPageSize;
  if (guarded_ && mprotect(base_ + size_, new_size - size_, PROT_READ | PROT_WRITE) != 0) return -1;
  size_ = new_size;
  return int64_t(old_pages);
}

}  // namespace lvm
