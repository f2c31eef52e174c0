// The shared machine code between C++ and compiled functions (one copy per
// OS process, generated at first use): entering and resuming compiled code
// on a guest stack, and the stubs compiled code calls (jit/abi.h, Stub).
#pragma once

#include <cstdint>

#include "jit/abi.h"

namespace lvm::jit {

struct Stubs {
  // Runs `code` with the guest stack pointer at `sp` (the arguments at
  // [sp], results stored over them) and returns the Trap that ended it
  // (0: it returned; Yield: suspended, resume() continues it).
  uint32_t (*enter)(interp::ExecStack* st, const void* code, uintptr_t sp) = nullptr;
  uint32_t (*resume)(interp::ExecStack* st) = nullptr;
  const void* table[kStubCount] = {};
  bool ok = false;  // false: the code could not be generated (no executable memory)
};

// The stubs, generated on first use.
const Stubs& stubs();
// Where stub `s` starts (null if the stubs could not be generated):
// compiled code calls it directly.
inline const void* stub_entry(Stub s) { return stubs().table[s]; }

// The C++ side of the stubs (jit/runtime.cpp). Status returns are Trap
// values: 0 to go on, Yield to suspend, anything else a trap.
namespace stub_targets {
uint32_t host_call(interp::ExecStack* st);
uint32_t call_funcinst(interp::ExecStack* st);
uint32_t check_point(interp::ExecStack* st);
uint32_t interp_call(interp::ExecStack* st);
const void* lazy_compile(interp::ExecStack* st);
// A function entry whose frame does not fit above the floor: moves the
// guest stack to the large region if it can (ExecStack::grow_jit) and
// returns the distance the stack moved; 0: the call stack is exhausted.
intptr_t grow_stack(interp::ExecStack* st, uintptr_t sp, uintptr_t fp);
// Records the backtrace of a trap raised with frame pointer `fp` and
// returns `code`.
uint32_t raise(interp::ExecStack* st, uint32_t code, uintptr_t fp);
}  // namespace stub_targets

}  // namespace lvm::jit
