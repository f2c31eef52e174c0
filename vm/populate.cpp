#include "vm/populate.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace lvm {

namespace {
std::atomic<bool> g_unsupported{false};
constexpr uintptr_t kPage = 4096;
}  // namespace

void populate_write(void* addr, size_t len) {
  if (!len || g_unsupported.load(std::memory_order_relaxed)) return;
  const uintptr_t lo = reinterpret_cast<uintptr_t>(addr) & ~(kPage - 1);
  const uintptr_t hi = (reinterpret_cast<uintptr_t>(addr) + len + kPage - 1) & ~(kPage - 1);
  if (madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_POPULATE_WRITE) != 0 && errno == EINVAL)
    g_unsupported.store(true, std::memory_order_relaxed);  // (an older kernel: faults it is)
}

void PopulateAhead::cover(void* p, size_t n) {
  char* const want = static_cast<char*>(p) + n;
  if (want <= done_) return;
  const uintptr_t step_end = (reinterpret_cast<uintptr_t>(want) + kStep - 1) & ~(kStep - 1);
  char* const to = std::min(reinterpret_cast<char*>(step_end), end_);
  populate_write(done_, size_t(to - done_));
  done_ = to;
}

}  // namespace lvm
