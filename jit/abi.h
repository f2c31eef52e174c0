// The JIT's conventions, shared by the compiler, the stubs and the runtime:
// where the context lives, the frame layout and the calling convention
// between compiled functions. docs/design.md ("The JIT") explains them.
//
// Calling convention (compiled function to compiled function):
//   - the caller stores the arguments as 64-bit slots at [sp + 0, 8, ...]
//     (its outgoing area, sized max(params, results)) and calls; the callee
//     finds them at [fp + 16 + 8 * i] and stores its results over them;
//   - the context register is preserved by every callee, and so is the
//     memory-base register, except that a memory in a small slot moves
//     when it grows past it: the stubs reload the base from the context
//     after every call out to C++ (memory.grow is one), and since every
//     frame of a run shares the register, callers see the new base (the
//     code that switches instances restores it); the callee-saved
//     registers, which hold locals, are preserved too; everything else is
//     clobbered;
//   - no callee reads anything of the caller's frame but its arguments, so
//     a tail call (WebAssembly 3.0) can later replace the caller's frame by
//     moving the arguments into the caller's own incoming area.
// The frame pointer chain links every compiled frame; the trap and
// backtrace code walks it (return address at [fp + 8], caller's fp at [fp]).
#pragma once

#include <cstddef>
#include <cstdint>

#include "jit/masm.h"
#include "vm/interp/exec_state.h"

namespace lvm::jit {

// The shared code compiled functions call (jit/stubs.h, stub_entry).
enum Stub : uint8_t {
  kStubHostCall,     // calls JitState::pending_fn (a host function) with the outgoing area
  kStubRuntime,      // calls the C function in the scratch register on the host stack
  kStubCheckPoint,   // preemption / fuel at a loop back-edge
  kStubEntryCheck,   // a function entry below JitState::stack_limit: a trap if below the floor (r11:
                     // the new stack pointer), else the preemption / fuel check
  kStubTrap,         // raises the trap in the first C argument register
  kStubCallFuncInst, // calls the FuncInst in the scratch register (another instance, a host function)
  kStubImport,       // an imported function's FuncInst in the scratch register: a host function
                     // through the host-call path, else as kStubCallFuncInst
  kStubLazy,         // compiles function <scratch> of the running module, then enters it
  kStubInterp,       // runs function <scratch> in the interpreter (a function the JIT cannot compile)
  kStubCount,
};

// Offsets into ExecStack that generated code uses.
struct Ctx {
  static int32_t jit(size_t field_off);
  static int32_t preempt();
  static int32_t mem_size();
  static int32_t mem_base();
  static int32_t dirty();
  static int32_t globals();
  static int32_t funcs();
  static int32_t tables();
  static int32_t stack_limit();
  static int32_t stack_floor();
  static int32_t pending_fn();
  static int32_t scratch();
  static int32_t instance();
  static int32_t code();
};

// Offsets into runtime structures that generated code reads.
struct FuncInstLayout {
  static int32_t type_id();
  static int32_t instance();
  static int32_t index();
  static int32_t host();
};
// A TableInst's elements: std::vector's begin and end pointers (checked
// against data() and size() at start-up, jit/module_code.cpp).
struct TableLayout {
  static int32_t elems_begin();
  static int32_t elems_end();
};
struct GlobalLayout {
  static int32_t value();
};

// The architecture's register roles.
struct Regs {
  static Gpr ctx();       // ExecStack*
  static Gpr mem();       // memory 0's base
  static Gpr scratch();   // reserved for the macro-assembler and stubs
  // Registers the compiler allocates for operand-stack values.
  static const Gpr* temps(size_t& n);
  static const Fpr* ftemps(size_t& n);
  // Callee-saved registers the compiler may home locals in.
  static const Gpr* homes(size_t& n);
  // Caller-saved registers the compiler may home locals in, integer and
  // float. Every call clobbers them (compiled code's and C's alike), so a
  // function stores them to their locals' frame slots before each call
  // and loads them back after. None is a temp or has a fixed role in an
  // instruction (division, shifts); C arguments are loaded into them only
  // after they are saved.
  static const Gpr* vhomes(size_t& n);
  static const Fpr* fhomes(size_t& n);
};

// Frame: [fp + 16 ...] incoming arguments/results, [fp + 8] return address,
// [fp] the caller's fp, then the saved home registers, then the frame's
// slots (locals not homed in registers, operand-stack spill slots, `if`
// parameter save areas, the saved instance), then the outgoing area at sp.
inline constexpr int32_t kArgsOffset = 16;

}  // namespace lvm::jit
