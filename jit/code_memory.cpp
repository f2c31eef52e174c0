#include "jit/code_memory.h"

#include <asmjit/core.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "vm/populate.h"

namespace lvm::jit {

namespace {
struct Allocator {
  std::mutex mu;
  asmjit::JitAllocator alloc;
  static asmjit::JitAllocator::CreateParams params() {
    asmjit::JitAllocator::CreateParams p;
    p.options = asmjit::JitAllocatorOptions::kUseDualMapping | asmjit::JitAllocatorOptions::kUseMultiplePools;
    return p;
  }
  Allocator() : alloc([] {
                  static const asmjit::JitAllocator::CreateParams p = params();
                  return &p;
                }()) {}
};
Allocator& allocator() {
  static Allocator* a = new Allocator;  // never destroyed: code may run until exit
  return *a;
}
}  // namespace

bool code_alloc(size_t size, void** rx, void** rw) {
  Allocator& a = allocator();
  std::lock_guard lock(a.mu);
  return a.alloc.alloc(rx, rw, size) == asmjit::kErrorOk;
}

void code_free(void* rx) {
  Allocator& a = allocator();
  std::lock_guard lock(a.mu);
  a.alloc.release(rx);
}

CodeArena::~CodeArena() {
  for (void* b : blocks_) code_free(b);
}

bool CodeArena::alloc(size_t size, void** rx, void** rw) {
  size = (size + kAlign - 1) & ~(kAlign - 1);
  if (size > block_bytes_ / 4) {  // (large: a block of its own, the current one kept)
    if (!code_alloc(size, rx, rw)) return false;
    blocks_.push_back(*rx);
    populate_write(*rw, size);
    return true;
  }
  if (size_ - used_ < size) {
    void *x, *w;
    if (!code_alloc(block_bytes_, &x, &w)) return false;
    blocks_.push_back(x);
    rx_ = static_cast<uint8_t*>(x);
    rw_ = static_cast<uint8_t*>(w);
    used_ = populated_ = 0;
    size_ = block_bytes_;
  }
  if (used_ + size > populated_) {
    const size_t to = std::min(size_, (used_ + size + step_ - 1) / step_ * step_);
    populate_write(rw_ + populated_, to - populated_);
    populated_ = to;
  }
  *rx = rx_ + used_;
  *rw = rw_ + used_;
  used_ += size;
  return true;
}

void CodeArena::take_blocks(std::vector<void*>& out) {
  out.insert(out.end(), blocks_.begin(), blocks_.end());
  blocks_.clear();
}

CodeTable::CodeTable(size_t n) {
  n = std::max<size_t>(n, 1);
#ifdef MAP_32BIT
  const size_t bytes = (n * sizeof(void*) + 4095) & ~size_t(4095);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (p != MAP_FAILED) {
    slots_ = static_cast<void**>(p);
    mapped_bytes_ = bytes;
    return;
  }
#endif
  slots_ = static_cast<void**>(std::calloc(n, sizeof(void*)));
}

CodeTable::~CodeTable() {
  if (mapped_bytes_) munmap(slots_, mapped_bytes_);
  else std::free(slots_);
}

}  // namespace lvm::jit
