// The interpreter's public face: per-module translated code and calling a
// function of an instance. The translation and the dispatch loop live in
// vm/interp/.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "loader/module.h"
#include "vm/trap.h"

namespace lvm {

class Instance;
struct CompiledFunction;

// Interpreter code for one module, shared by all its instances (so every
// process spawned from a module reuses it). Each function is translated on
// its first call.
class CodeCache {
 public:
  explicit CodeCache(std::shared_ptr<const Module> m);
  ~CodeCache();
  // The cache of a module, created on first use.
  static std::shared_ptr<CodeCache> for_module(const std::shared_ptr<const Module>& m);
  // Translated code of defined function `func_index`, translating it now if
  // needed. Never fails: the module is validated. Inline: it is on the path
  // of every call.
  const CompiledFunction& get(uint32_t func_index) {
    const CompiledFunction* f = functions_[func_index - num_imported_].load(std::memory_order_acquire);
    return f ? *f : translate_now(func_index);
  }

  // What another tier keeps per module beside the interpreter's code (the
  // JIT's compiled functions), owned by the cache and so shared the same way.
  struct TierData {
    virtual ~TierData() = default;
  };
  TierData* tier_data() const { return tier_data_.load(std::memory_order_acquire); }
  // Installs `d` unless another thread installed one first (then `d` is dropped).
  void set_tier_data(std::unique_ptr<TierData> d);
  // The module it translates.
  const std::shared_ptr<const Module>& module() const;

 private:
  const CompiledFunction& translate_now(uint32_t func_index);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint32_t num_imported_ = 0;
  std::unique_ptr<std::atomic<const CompiledFunction*>[]> functions_;  // by body index
  std::atomic<TierData*> tier_data_{nullptr};
};

// Calls function `func_index` of `inst` (spec 4.5.5 invocation). `args` holds
// one 64-bit slot per parameter (two for v128), `results` receives the
// results the same way. Returns the trap that ended the call, or None.
Trap invoke(Instance& inst, uint32_t func_index, const uint64_t* args, uint64_t* results);

namespace interp {
struct ExecStack;
}
// invoke() on a given execution stack (a process's own). There it may also
// return Trap::Yield: the call is suspended in `st` and interp::resume(st)
// continues it (results, if any, then land at the stack's former top).
Trap invoke_on(interp::ExecStack& st, Instance& inst, uint32_t func_index, const uint64_t* args, uint64_t* results);

// One frame of a wasm backtrace.
struct BacktraceFrame {
  const Instance* instance;
  uint32_t func_index;
};
// The wasm call stack of this thread's last trap, innermost first.
std::vector<BacktraceFrame> last_trap_backtrace();

}  // namespace lvm
