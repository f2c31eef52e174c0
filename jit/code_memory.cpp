#include "jit/code_memory.h"

#include <asmjit/core.h>

#include <mutex>

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

}  // namespace lvm::jit
