// Executable memory for compiled code, W^X: every block is mapped twice,
// executable (never writable) where code runs, and writable (never
// executable) where the compiler copies it (asmjit's JitAllocator with
// dual mapping, over a memfd).
#pragma once

#include <cstddef>

namespace lvm::jit {

// A block of `size` bytes: its executable address and its writable alias.
// False if the OS refuses (out of memory, or no dual mapping).
bool code_alloc(size_t size, void** rx, void** rw);
void code_free(void* rx);

// A zeroed table of code pointers, placed in the low 2 GiB of the address
// space when the OS can (Linux's MAP_32BIT), so that a call through one of
// its slots is a single instruction with a 32-bit address; else on the heap.
class CodeTable {
 public:
  explicit CodeTable(size_t n);
  ~CodeTable();
  CodeTable(const CodeTable&) = delete;
  CodeTable& operator=(const CodeTable&) = delete;
  void** slots() const { return slots_; }  // null only if there was no memory

 private:
  void** slots_ = nullptr;
  size_t mapped_bytes_ = 0;  // non-zero: mmap'ed
};

}  // namespace lvm::jit
