// Entering compiled code from C++ (used by the JIT tier, jit/tier.cpp).
#pragma once

#include <cstdint>

#include "vm/interp/exec_state.h"
#include "vm/trap.h"

namespace lvm::jit {

// Calls function `func_index` of `inst` on `st` through compiled code,
// compiling it first (and, `eager`, every function of its module). Same
// contract as lvm::invoke_on; a process's call may return Trap::Yield and
// continue with resume().
Trap invoke_on(interp::ExecStack& st, Instance& inst, uint32_t func_index, const uint64_t* args, uint64_t* results,
               bool eager = false);
Trap resume(interp::ExecStack& st);

}  // namespace lvm::jit
