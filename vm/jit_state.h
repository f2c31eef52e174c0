// The state compiled code reaches through its context register: one per
// execution stack (a process, or a host thread calling invoke()). Plain
// data at fixed offsets, so generated code reads and writes it directly;
// vm/ only stores it, jit/ gives it meaning (see jit/abi.h).
#pragma once

#include <cstdint>

namespace lvm {

class Instance;
class LinearMemory;
struct FuncInst;
struct TableInst;

// The instance that the running JIT code belongs to, as the code sees it.
// Switched as a whole by calls that enter another instance.
struct JitInstanceView {
  Instance* instance = nullptr;
  uint8_t* mem_base = nullptr;       // memory 0's base (moves only when a small slot is outgrown)
  uint64_t mem_size = 0;             // memory 0's size in bytes (changes on grow)
  uint8_t* dirty = nullptr;          // memory 0's written-granule map (moves on grow)
  uint64_t* const* globals = nullptr;         // value of each global, by index
  const FuncInst* const* funcs = nullptr;     // the function index space
  TableInst* const* tables = nullptr;         // the tables, by index
  void* const* code = nullptr;                // the module's compiled code, by function index
  void* module_code = nullptr;                // the jit::ModuleCode `code` belongs to
  LinearMemory* memory0 = nullptr;
};

// The JIT's part of an execution stack. What a compiled run touches comes
// first and fills two cache lines (everything up to view.code); the rest
// serves stack growth, suspension and the slower stubs.
struct JitState {
  // Native stack pointers. `stack_limit`: what a function's prologue
  // compares its new stack pointer with: `stack_floor` (the lowest guest
  // stack pointer a frame may reach), or UINTPTR_MAX while the stack's
  // `preempt` is set, so that one compare at function entry is both the
  // call-depth check and the preemption check (V8's stack guard);
  // ExecStack::set_preempt keeps the two together. `host_sp`: where the
  // innermost entry from C++ left the host stack (host functions and
  // runtime helpers run there); `guest_sp`: the guest stack pointer at the
  // last call out of JIT code; `stack_top`: where an outermost entry
  // starts the guest stack.
  uintptr_t stack_limit = 0;
  uintptr_t stack_floor = 0;
  uintptr_t host_sp = 0;
  uintptr_t guest_sp = 0;
  uintptr_t stack_top = 0;
  // The guest stack pointer the outermost entry started at: its first
  // frame sits just below, linked to the host's frame pointer, where a
  // walk of the frame chain ends (ExecStack::grow_jit).
  uintptr_t entry_sp = 0;
  // The host function a host call stub is about to call.
  const FuncInst* pending_fn = nullptr;
  // Entries from C++ in progress on this stack (nested through host calls).
  uint32_t depth = 0;
  // A run is suspended (Trap::Yield out of JIT code; resume_pc and
  // saved_regs hold it).
  bool suspended = false;
  // A host call that yielded runs again on resume (receive); else the
  // call is complete and resuming returns into the code (budget spent).
  bool retry = false;
  JitInstanceView view;

  // The lowest address of the native stack.
  uintptr_t stack_bottom = 0;
  // Scratch for runtime helpers that return a second value, and the
  // argument the per-function stubs pass.
  uint64_t scratch = 0;
  // An interpreter fallback suspended inside JIT code: its frame (its
  // results land there when it completes).
  uint64_t* interp_fp = nullptr;
  // A suspended run: where to continue and the callee-saved registers of
  // the guest at that point.
  uintptr_t resume_pc = 0;
  uint64_t saved_regs[8] = {};
};

}  // namespace lvm
