// Internal to the interpreter: the per-thread execution stack (value slots
// and the call-frame records) and the dispatch loop's entry point.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vm/instance.h"
#include "vm/interp/code.h"

namespace lvm::interp {

// A suspended caller: where to resume, its frame, instance and function.
struct Frame {
  const uint32_t* ret_ip;
  uint64_t* fp;
  Instance* inst;
  const CompiledFunction* fn;
};

// Value slots and frames of one thread of execution. Slots are reserved
// virtually and committed by the OS as they are touched.
struct ExecStack {
  static constexpr size_t kSlots = size_t(4) << 20;    // 32 MiB of slots
  static constexpr size_t kMaxFrames = 100'000;        // call depth limit
  ExecStack();
  ~ExecStack();
  uint64_t* base = nullptr;
  uint64_t* end = nullptr;
  uint64_t* top = nullptr;  // first free slot (above the running frames)
  // Frame records: [frames, frame_top) are live; the dispatch loop keeps
  // its own copy of frame_top in a register and stores it back before
  // anything that may re-enter (host calls) and when it returns.
  std::unique_ptr<Frame[]> frames;
  Frame* frame_top = nullptr;
  Frame* frames_end = nullptr;
  // The wasm call stack at the last trap, innermost first.
  std::vector<std::pair<const Instance*, uint32_t>> trap_backtrace;
};

// This thread's stack.
ExecStack& exec_stack();

// Runs `fn` of `inst` with its frame at `fp` (arguments already in place)
// until it returns; results are left in fp[0..].
Trap run(ExecStack& st, Instance* inst, const CompiledFunction* fn, uint64_t* fp);

}  // namespace lvm::interp
