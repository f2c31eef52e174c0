#include "vm/memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

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
  m->capacity_ = m->reach_ = kMaxMemoryPages * kPageSize;
  if (!m->resize_dirty_map(0)) return nullptr;
  if (initial_pages && m->grow(initial_pages) < 0) return nullptr;
  return m;
}

bool LinearMemory::resize_dirty_map(uint64_t new_size) {
  // One byte per granule of the current size (grown with the memory), so a
  // small memory's map is small: 512 bytes for 128 KiB.
  const size_t old_n = size_ >> kDirtyShift, n = new_size >> kDirtyShift;
  if (n <= old_n && dirty_) return true;
  auto* p = static_cast<uint8_t*>(std::realloc(dirty_, std::max<size_t>(n, 8)));
  if (!p) return false;
  std::memset(p + old_n, 0, std::max<size_t>(n, 8) - old_n);
  dirty_ = p;
  return true;
}

LinearMemory::~LinearMemory() {
  std::free(dirty_);
  if (pool_) pool_->release(*this);
  else if (base_) munmap(base_, kReservation);  // (a file mapped in it goes too)
}

bool LinearMemory::restore(const uint8_t* image, uint64_t image_offset, uint64_t image_len, uint64_t initial_pages) {
  if (size_ != initial_pages * kPageSize || untracked_) return false;
  constexpr uint64_t kGranule = uint64_t(1) << kDirtyShift, kMaxStoreSpill = 15;
  const uint64_t image_end = image_offset + image_len;
  const uint64_t granules = size_ >> kDirtyShift;  // a multiple of 256
  for (uint64_t w = 0; w < granules; w += 8) {
    uint64_t word;
    std::memcpy(&word, dirty_ + w, 8);
    if (!word) continue;  // eight clean granules
    std::memset(dirty_ + w, 0, 8);
    // Runs of written granules in this word, each zeroed and re-imaged.
    for (uint64_t g = w; g < w + 8;) {
      if (!(word >> ((g - w) * 8) & 0xFF)) {
        ++g;
        continue;
      }
      uint64_t e = g + 1;
      while (e < w + 8 && (word >> ((e - w) * 8) & 0xFF)) ++e;
      // A store is marked by the granule it starts in; it may spill up to
      // 15 bytes into the next one.
      const uint64_t lo = g * kGranule, hi = std::min(e * kGranule + kMaxStoreSpill, size_);
      std::memset(base_ + lo, 0, hi - lo);
      const uint64_t a = std::max(lo, image_offset), b = std::min(hi, image_end);
      if (a < b) std::memcpy(base_ + a, image + (a - image_offset), b - a);
      g = e;
    }
  }
  return true;
}

bool LinearMemory::map_copy_on_write(int fd, uint64_t offset, uint64_t at, uint64_t len) {
  if (cow_len_ || !len || at > size_ || len > size_ - at) return false;
  void* p = mmap(base_ + at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, off_t(offset));
  if (p == MAP_FAILED) return false;
  cow_at_ = at;
  cow_len_ = len;
  return true;
}

uint64_t LinearMemory::limit_pages() const {
  uint64_t max = std::min(limit_pages_, reach_ / kPageSize);
  return max_pages_ ? std::min(*max_pages_, max) : max;
}

int64_t LinearMemory::grow(uint64_t delta_pages) {
  const uint64_t old_pages = pages();
  if (delta_pages == 0) return int64_t(old_pages);
  const uint64_t max = limit_pages();
  if (delta_pages > max || old_pages > max - delta_pages) return -1;
  const uint64_t new_size = (old_pages + delta_pages) * kPageSize;
  if (!resize_dirty_map(new_size)) return -1;
  if (guarded_ && mprotect(base_ + size_, new_size - size_, PROT_READ | PROT_WRITE) != 0) return -1;
  if (!guarded_ && new_size > capacity_ && (!pool_ || !pool_->move(*this, new_size))) return -1;
  size_ = new_size;
  return int64_t(old_pages);
}

}  // namespace lvm
