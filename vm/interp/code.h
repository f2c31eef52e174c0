// A function translated for the interpreter: direct-threaded code over the
// frame's 64-bit slots, and the frame's shape.
//
// Frame layout (slots, from the frame pointer):
//   [0, param_slots)              parameters (the caller's argument slots)
//   [param_slots, local_slots)    declared locals, zeroed on entry
//   [local_slots, frame_slots)    operand-stack positions, each at a fixed
//                                 slot, then save areas for `if` params
// Results are returned in slots [0, result_slots).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "vm/interp/ops.h"

namespace lvm {

struct CompiledFunction {
  uint32_t func_index = 0;     // in its module's function index space
  std::vector<uint32_t> code;  // handler address (2 words) + operands, per instruction
  uint32_t param_slots = 0;
  uint32_t local_slots = 0;
  uint32_t frame_slots = 0;
  uint32_t result_slots = 0;
};

namespace interp {

// Words taken by a handler address at the start of each instruction.
inline constexpr uint32_t kHandlerWords = 2;

// In the slot word of a Const32: the 32-bit value is
// sign-extended to 64 bits (an i64/f64 constant such as -1) rather than
// zero-extended. Frames have far fewer than 2^31 slots.
inline constexpr uint32_t kConstSignExtend = 0x80000000u;

// Reads the handler address at `ip`.
inline const void* handler_at(const uint32_t* ip) {
  const void* h;
  std::memcpy(&h, ip, sizeof h);
  return h;
}

}  // namespace interp
}  // namespace lvm
