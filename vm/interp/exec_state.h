// Internal to the interpreter: an execution stack (value slots and call-frame
// records) and the dispatch loop's entry points.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "vm/instance.h"
#include "vm/interp/code.h"
#include "vm/jit_state.h"

namespace lvm::interp {

// A suspended caller: where to resume, its frame, instance and function.
struct Frame {
  const uint32_t* ret_ip;
  uint64_t* fp;
  Instance* inst;
  const CompiledFunction* fn;
};

// Value slots and frame records of one thread of execution (a process, or
// a host thread calling invoke()), in one region of address space:
//
//   region ... [frame records, growing down) mid [value slots, growing up) ... end
//
// The records grow down and the slots up from the same point, so a shallow
// stack touches a single page: an idle process costs one page here. The
// region is committed by the OS as it is touched.
struct ExecStack {
  // Uses [region, region + bytes), the frame records taking the first
  // `frame_bytes` (rounded down to whole records) and the JIT's native
  // stack the last `jit_bytes` (growing down from the region's end), and
  // clears the rest of the state. Does not own the region.
  void reset(void* region, size_t bytes, size_t frame_bytes, size_t jit_bytes = 0);

  uint64_t* base = nullptr;  // first slot (the region's midpoint)
  uint64_t* end = nullptr;
  uint64_t* top = nullptr;   // first free slot (above the running frames)
  // Frame records: [frame_top, frames_base) are live, innermost lowest. The
  // dispatch loop keeps its own copy of frame_top in a register and stores
  // it back before anything that may re-enter (host calls) and when it
  // returns or yields.
  Frame* frames_base = nullptr;   // one past the outermost record
  Frame* frame_top = nullptr;
  Frame* frames_limit = nullptr;  // the lowest record: the call depth limit

  // Preemption. The dispatch loop checks `preempt` at every function entry
  // and loop back-edge and yields when it is set: the scheduler's ticker
  // sets it (from its own thread) when the process has run a whole time
  // slice, so neither a loop nor recursion can keep a worker. Host calls
  // spend `budget` (one reduction each, more for costly ones such as spawn)
  // and yield when it runs out. (A flag, not a counter, for the hot paths:
  // a counter the compiler keeps in memory chains every loop iteration and
  // call through a store and a load, 20-40% of a tight loop here.)
  std::atomic<bool> preempt{false};
  // Sets or clears `preempt` (from any thread), and with it the JIT's
  // function-entry check (JitState::stack_limit).
  void set_preempt(bool on, std::memory_order order = std::memory_order_relaxed) {
    if (on) {
      preempt.store(true, order);
      __atomic_store_n(&jit.stack_limit, UINTPTR_MAX, __ATOMIC_RELAXED);
    } else {
      __atomic_store_n(&jit.stack_limit, jit.stack_floor, __ATOMIC_RELAXED);
      preempt.store(false, order);
    }
  }
  int64_t budget = INT64_MAX;  // effectively infinite outside processes
  // Fuel (a process's reduction limit): a process with `fuel_limited` runs
  // with `preempt` always set, so every function entry and loop back-edge
  // takes the slow path, which spends one unit of `fuel` (Trap::OutOfFuel
  // below zero) and yields only if `slice_over` says the time slice is up.
  // Processes without a limit pay nothing for this.
  bool fuel_limited = false;
  int64_t fuel = 0;
  std::atomic<bool> slice_over{false};

  // The continuation of a run that returned Trap::Yield: resume() carries
  // on from here. `ip` is the instruction to execute next (for a host call
  // that asked to wait, the call itself, which runs again).
  struct Suspended {
    const uint32_t* ip = nullptr;
    uint64_t* fp = nullptr;
    Instance* inst = nullptr;
    const CompiledFunction* fn = nullptr;
    Frame* frame_base = nullptr;  // the run's outermost record position
  } suspended;
  bool is_suspended = false;

  // The wasm call stack at the last trap, innermost first.
  std::vector<std::pair<const Instance*, uint32_t>> trap_backtrace;

  // Compiled code's view of this stack (jit/): its native stack, the
  // running instance, a suspended run (reset with the stack), and the
  // stubs it calls (not reset).
  JitState jit;
  JitStubTable jit_stubs;
};

// This host thread's stack (32 MiB of slots, 100,000 frames, and 64 MiB
// of native stack for compiled code), for invoke().
ExecStack& exec_stack();

// Runs `fn` of `inst` with its frame at `fp` (arguments already in place)
// until it returns (results left in fp[0..]), traps, or yields (Trap::Yield:
// the state is in st.suspended).
Trap run(ExecStack& st, Instance* inst, const CompiledFunction* fn, uint64_t* fp);

// Continues a run that yielded, with the same contract as run(). The results
// of the outermost function end up at the fp run() was given.
Trap resume(ExecStack& st);

}  // namespace lvm::interp
