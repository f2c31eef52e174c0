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

}  // namespace lvm::jit
