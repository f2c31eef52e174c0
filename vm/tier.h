// An execution tier: how code of a module runs (brief section 3). The
// interpreter is the reference tier; the JIT (jit/) is another. The
// scheduler runs processes and invoke() runs calls through the default
// tier, so nothing in vm/ depends on the compiler.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vm/trap.h"

namespace lvm {

class Instance;
namespace interp {
struct ExecStack;
}

class ExecTier {
 public:
  virtual ~ExecTier() = default;
  // Calls function `func_index` of `inst` on stack `st` (arguments and
  // results as 64-bit slots, as lvm::invoke_on). A process's call may
  // return Trap::Yield: it is suspended in `st` and resume() continues it.
  virtual Trap invoke_on(interp::ExecStack& st, Instance& inst, uint32_t func_index, const uint64_t* args,
                         uint64_t* results) = 0;
  // Continues a call that returned Trap::Yield.
  virtual Trap resume(interp::ExecStack& st) = 0;
  // True if `st` holds a suspended call of this tier.
  virtual bool suspended(const interp::ExecStack& st) const = 0;
  // Bytes of a process's stack region of `bytes` to give the tier's native
  // stack (0: the tier needs none).
  virtual size_t native_stack_bytes(size_t bytes) const { (void)bytes; return 0; }
  // A short name for messages ("interpreter", "jit").
  virtual const char* name() const = 0;
};

// The interpreter as a tier.
ExecTier& interpreter_tier();

// The tier invoke() and new schedulers use; the interpreter unless set.
ExecTier& default_tier();
// Sets the default tier (at start-up, before any code runs).
void set_default_tier(ExecTier& tier);

}  // namespace lvm
