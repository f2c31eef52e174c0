// Executable memory for compiled code, W^X: every block is mapped twice,
// executable (never writable) where code runs, and writable (never
// executable) where the compiler copies it (asmjit's JitAllocator with
// dual mapping, over a memfd).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lvm::jit {

// A block of `size` bytes: its executable address and its writable alias.
// False if the OS refuses (out of memory, or no dual mapping).
bool code_alloc(size_t size, void** rx, void** rw);
void code_free(void* rx);

// Hands out space for compiled functions from blocks of code_alloc, one
// after the other: no allocator call and no lock per function, and the
// blocks' pages are populated (vm/populate.h) a step ahead of the code
// copied into them, one system call instead of a page fault per page (a
// fault on the memfd behind the dual mapping costs about 10 us on this
// project's machine, a populated page about 5 at its first write). Not
// thread-safe: a compiling thread has one of its own. The blocks belong to
// whoever collects them with take_blocks (and frees them with code_free).
class CodeArena {
 public:
  // `block_bytes`: the size of a block (a function larger than that gets
  // a block of its own); `populate_step`: how far ahead pages are populated.
  CodeArena(size_t block_bytes, size_t populate_step) : block_bytes_(block_bytes), step_(populate_step) {}
  ~CodeArena();  // frees the blocks nobody took
  CodeArena(const CodeArena&) = delete;
  CodeArena& operator=(const CodeArena&) = delete;
  // Space for `size` bytes of code, aligned to kAlign: its executable
  // address and its writable alias, populated. False without memory.
  bool alloc(size_t size, void** rx, void** rw);
  // Moves the blocks allocated so far to `out`; the arena keeps using its
  // current block, which `out`'s owner must not free while it does.
  void take_blocks(std::vector<void*>& out);
  // Function entries are aligned to a cache line half, as asmjit's
  // JitAllocator granule aligned them.
  static constexpr size_t kAlign = 32;

 private:
  const size_t block_bytes_, step_;
  uint8_t* rx_ = nullptr;  // current block
  uint8_t* rw_ = nullptr;
  size_t used_ = 0, size_ = 0, populated_ = 0;
  std::vector<void*> blocks_;  // not yet taken
};

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
