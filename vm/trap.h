// Traps (spec 4.4.* "trap"): the ways execution of a process can abort. A
// trap ends only the process that raised it; it is a value, never a C++
// exception, and crosses no guest or JIT frame as one.
#pragma once

#include <cstdint>

namespace lvm {

enum class Trap : uint8_t {
  None = 0,
  Unreachable,               // `unreachable` executed
  MemoryOutOfBounds,         // load/store/bulk op outside linear memory
  TableOutOfBounds,          // table.get/set/fill/copy/init outside a table
  IntegerDivideByZero,       // div/rem by zero
  IntegerOverflow,           // INT_MIN / -1, or a float too large to truncate
  InvalidConversion,         // truncating NaN to an integer
  IndirectCallNull,          // call_indirect through a null entry
  IndirectCallOutOfBounds,   // call_indirect index beyond the table
  IndirectCallTypeMismatch,  // call_indirect signature check failed
  CallStackExhausted,        // call depth or stack space limit reached
  HostError,                 // a host function failed (message kept by the host)
  Unsupported,               // an instruction this tier cannot execute yet
  Exit,                      // the process called exit (not an error by itself)
  Killed,                    // another process killed it (lvm_kill)
  OutOfFuel,                 // it used up its reduction limit (ProcessLimits::max_reductions)
  // Not a trap: the process gave up its worker (reduction budget spent, or
  // a host function such as receive must wait). Its state is saved in its
  // ExecStack and interp::resume() continues it. Only processes see this.
  Yield,
};

// The message the spec testsuite expects for a trap ("integer divide by
// zero"), also what `lvm run` prints.
const char* trap_message(Trap t);

}  // namespace lvm
