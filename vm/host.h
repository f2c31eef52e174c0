// The interface between the VM and host functions (WASI, the lvm ABI, the
// spec testsuite's `spectest` module). A host function receives its
// arguments and writes its results as 64-bit slots, reaches the calling
// instance's linear memory only through bounds-checked accessors, and ends
// the call with a Trap value (None to return normally).
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>

#include "loader/types.h"
#include "vm/memory.h"
#include "vm/trap.h"

namespace lvm {

class Instance;
struct HostFunction;

// What a host function sees of its caller.
class HostCall {
 public:
  HostCall(Instance& caller, const HostFunction& fn, const uint64_t* args, uint64_t* results,
           int64_t* reductions = nullptr);
  // The same when the caller's memory 0 is at hand (the interpreter's path).
  HostCall(Instance& caller, const HostFunction& fn, LinearMemory* memory0, const uint64_t* args, uint64_t* results,
           int64_t* reductions)
      : caller_(caller), fn_(fn), mem_(memory0), args_(args), results_(results), reductions_(reductions) {}

  Instance& caller() const { return caller_; }
  // The function called (for its name in error messages).
  const HostFunction& function() const { return fn_; }

  // Arguments and results, by position.
  int32_t i32(size_t i) const { return int32_t(uint32_t(args_[i])); }
  uint32_t u32(size_t i) const { return uint32_t(args_[i]); }
  int64_t i64(size_t i) const { return int64_t(args_[i]); }
  float f32(size_t i) const { float f; uint32_t b = uint32_t(args_[i]); std::memcpy(&f, &b, 4); return f; }
  double f64(size_t i) const { double d; std::memcpy(&d, &args_[i], 8); return d; }
  void set_i32(size_t i, int32_t v) { results_[i] = uint32_t(v); }
  void set_i64(size_t i, int64_t v) { results_[i] = uint64_t(v); }

  // The caller's memory 0 (empty if it has none). Every access to guest
  // memory goes through these, which check bounds: a bad pointer is the
  // guest's error, never a host crash.
  std::span<uint8_t> memory() const { return mem_ ? std::span<uint8_t>(mem_->base(), mem_->size()) : std::span<uint8_t>(); }
  // True if [ptr, ptr+len) is inside guest memory.
  bool check(uint64_t ptr, uint64_t len) const { return mem_ && mem_->in_bounds(ptr, len); }
  // A pointer to [ptr, ptr+len) in guest memory for writing, or null when
  // out of bounds. The range counts as written (LinearMemory::mark_dirty).
  uint8_t* ptr(uint64_t ptr, uint64_t len) const {
    if (!check(ptr, len)) return nullptr;
    mem_->mark_dirty(ptr, len);
    return mem_->base() + ptr;
  }
  // The same for reading only.
  const uint8_t* cptr(uint64_t ptr, uint64_t len) const { return check(ptr, len) ? mem_->base() + ptr : nullptr; }
  // A range already check()ed, for writing: for a host function that checks
  // its buffers before it acts and then writes only part of them.
  uint8_t* checked_ptr(uint64_t ptr, uint64_t len) const {
    mem_->mark_dirty(ptr, len);
    return mem_->base() + ptr;
  }
  template <class T> bool load(uint64_t addr, T& out) const {
    const uint8_t* p = cptr(addr, sizeof(T));
    if (!p) return false;
    std::memcpy(&out, p, sizeof(T));
    return true;
  }
  template <class T> bool store(uint64_t addr, const T& v) const {
    uint8_t* p = ptr(addr, sizeof(T));
    if (!p) return false;
    std::memcpy(p, &v, sizeof(T));
    return true;
  }

  // Charges the calling process `n` reductions for work done on its behalf
  // (spawning, copying a large message), so the scheduler's time slices
  // stay fair; a no-op outside a process.
  void consume_reductions(int64_t n) {
    if (reductions_) *reductions_ -= n;
  }

  // Ends the call with a trap carrying a message (reported by `lvm run`).
  Trap trap(std::string message);
  // Ends the calling process with an exit code (WASI proc_exit).
  Trap exit(int32_t code);

 private:
  Instance& caller_;
  const HostFunction& fn_;
  LinearMemory* mem_;
  const uint64_t* args_;
  uint64_t* results_;
  int64_t* reductions_;
};

// A host function: its WebAssembly type and the callable. Arguments and
// results are 64-bit slots (i32/f32 in the low 32 bits).
struct HostFunction {
  std::string module;
  std::string name;
  FuncType type;
  std::function<Trap(HostCall&)> fn;
  // The same as a plain function, when it needs no state: calls that go
  // straight to it skip std::function's indirection (the lvm ABI's message
  // functions are called millions of times a second).
  Trap (*direct)(HostCall&) = nullptr;

  // Runs the function.
  Trap call(HostCall& c) const { return direct ? direct(c) : fn(c); }
};

}  // namespace lvm
