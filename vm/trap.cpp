#include "vm/trap.h"

namespace lvm {

const char* trap_message(Trap t) {
  switch (t) {
    case Trap::None: return "no trap";
    case Trap::Unreachable: return "unreachable";
    case Trap::MemoryOutOfBounds: return "out of bounds memory access";
    case Trap::TableOutOfBounds: return "out of bounds table access";
    case Trap::IntegerDivideByZero: return "integer divide by zero";
    case Trap::IntegerOverflow: return "integer overflow";
    case Trap::InvalidConversion: return "invalid conversion to integer";
    case Trap::IndirectCallNull: return "uninitialized element";
    case Trap::IndirectCallOutOfBounds: return "undefined element";
    case Trap::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case Trap::CallStackExhausted: return "call stack exhausted";
    case Trap::HostError: return "host function error";
    case Trap::Unsupported: return "unsupported instruction";
    case Trap::Exit: return "exit";
    case Trap::Killed: return "killed";
    case Trap::OutOfFuel: return "all fuel consumed: the process reached its reduction limit";
    case Trap::Yield: return "yielded";
  }
  return "unknown trap";
}

}  // namespace lvm
