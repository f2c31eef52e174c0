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

// Where a region of address space is split between the interpreter's frame
// records, its value slots and the JIT's native stack (ExecStack::reset).
struct StackLayout {
  uint8_t* region = nullptr;
  size_t bytes = 0;
  size_t frame_bytes = 0;  // the records: the first frame_bytes, rounded down to whole records
  size_t jit_bytes = 0;    // the JIT's native stack: the last jit_bytes, growing down from the end
};

// Value slots and frame records of one thread of execution (a process, or
// a host thread calling invoke()), in one region of address space:
//
//   region [frame records, growing down) [value slots, growing up) ... [JIT stack, growing down) end
//
// A process starts on a small region (a piece of a slab shared with other
// processes, so its few touched bytes share pages and page tables) and
// keeps a large one in reserve (address space only). When a call does not
// fit, the part that is full (the interpreter's records and slots, or the
// JIT's native stack) moves to its place in the large region, once, with
// every pointer into it relocated (grow_interp, grow_jit), and the process
// runs on there until it ends; so deep recursion reaches the large
// region's depth and then ends in `call stack exhausted`, as it always did.
// Regions are committed by the OS as they are touched.
struct ExecStack {
  // Uses `l` (clears the rest of the state, and forgets any large region).
  // Does not own the region.
  void reset(const StackLayout& l);
  void reset(void* region, size_t bytes, size_t frame_bytes, size_t jit_bytes = 0) {
    reset(StackLayout{static_cast<uint8_t*>(region), bytes, frame_bytes, jit_bytes});
  }
  // After reset() on a small region: the large one to move to when a part
  // of the small one is outgrown.
  void set_large(const StackLayout& l) {
    large = l;
    interp_small = jit_small = l.region != nullptr;
  }

  // Moves the interpreter's records and slots to the large region, if this
  // stack is still on its small one and at most `runs` interpreter runs are
  // active on it (the caller's, or none: an outer run's native frames hold
  // pointers that cannot be found). `fsp` is the innermost record, `live_end`
  // the end of the slots in use. On success the byte distances the slots
  // and the records moved by are stored in *slots_delta, *frames_delta (the
  // caller adds them to its own pointers) and every pointer the stack
  // holds (records' frame pointers, top, the JIT's interp_fp) is relocated.
  bool grow_interp(Frame* fsp, uint64_t* live_end, uint32_t runs, intptr_t* slots_delta, intptr_t* frames_delta);
  // Moves the JIT's native stack to the large region (from a function
  // entry that does not fit, jit/x64/stubs_x64.cpp): copies [sp, stack_top)
  // and relocates the frame-pointer chain from `fp`. Only in the outermost
  // entry (nested ones' callers hold pointers on the host stack) and only
  // once. Returns the distance moved (a multiple of 16), 0 if it cannot.
  intptr_t grow_jit(uintptr_t sp, uintptr_t fp);
  // Whether a part has moved to the large region (so it has pages there).
  bool grown() const { return large.region && (!interp_small || !jit_small); }

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
  // Sets the JIT's floor (JitState::stack_floor) and with it the entry
  // limit, without losing a concurrent set_preempt(true) (which stores
  // `preempt`, then the limit).
  void set_jit_floor(uintptr_t floor);
  // Fuel (a process's reduction limit): a process with `fuel_limited` runs
  // with `preempt` always set, so every function entry and loop back-edge
  // takes the slow path, which spends one unit of `fuel` (Trap::OutOfFuel
  // below zero) and yields only if `slice_over` says the time slice is up.
  // Processes without a limit pay nothing for this.
  bool fuel_limited = false;
  std::atomic<bool> slice_over{false};
  bool is_suspended = false;  // a run yielded: `suspended` holds it
  bool interp_small = false;  // the records and slots are still in the small region
  bool jit_small = false;     // the JIT's native stack is still in the small region
  uint32_t interp_runs = 0;   // interpreter runs active on this stack (interp::run, resume)
  int64_t budget = INT64_MAX;  // effectively infinite outside processes
  int64_t fuel = 0;

  // Compiled code's view of this stack (jit/): its native stack, the
  // running instance, a suspended run (reset with the stack). Its first
  // 128 bytes are what a compiled run touches; with the fields above,
  // which both tiers touch, they come first, so that a process's first
  // run (which finds its table entry cold) misses on as few cache lines
  // as it can.
  JitState jit;

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

  StackLayout large;  // the region to grow into (none: region == nullptr)

  // The wasm call stack at the last trap, innermost first.
  std::vector<std::pair<const Instance*, uint32_t>> trap_backtrace;
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
