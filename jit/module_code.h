// A module's compiled code (brief section 1: CompiledModule's JIT part),
// shared by every instance, process and thread of the module: one code
// pointer per function, which starts as a stub that compiles the function
// on its first call (or, eager, everything is compiled up front). A
// function the compiler cannot handle gets a stub into the interpreter,
// and is counted with the reason. A module has one per code variant its
// instances need (jit/compiler.h, CodeVariant): the guarded mode's code
// relies on faults, the checked mode's on explicit bounds checks; code for
// spawned processes marks the granules it writes, the root's does not.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "jit/code_memory.h"
#include "jit/compiler.h"
#include "loader/module.h"
#include "vm/interpreter.h"

namespace lvm::jit {

class ModuleCode {
 public:
  // `eager`: every function is compiled (compile_all) before any code
  // runs, so no lazy-compilation stubs are made for them.
  ModuleCode(std::shared_ptr<const Module> m, CodeVariant variant, bool eager = false);
  ~ModuleCode();

  // The module's code of `cache` in `variant`, made on first use
  // (`eager`: for a caller that runs compile_all first).
  static ModuleCode& of(CodeCache& cache, CodeVariant variant, bool eager = false);
  // The variant an instance's code must be compiled in: its memory's
  // mode, and marks for the instance of a spawned process (the only kind
  // whose memory is reset for reuse).
  static CodeVariant variant_of(const Instance& inst);

  const Module& module() const { return *module_; }
  // Code pointers by function index (imports: null), read by compiled code.
  void* const* table() const { return table_.slots(); }
  // Compiles function `func` now if it is not yet; returns its entry (its
  // code, or the interpreter stub when it cannot be compiled).
  const void* compile(uint32_t func);
  // Compiles every function not compiled yet (fast once all are), on up
  // to compile_threads() threads for a large module. False if some
  // function has no code at all (no executable memory left): the caller
  // must not run this code then.
  bool compile_all();
  // How many threads compile_all uses at most: set_compile_threads(n)
  // (`lvm run --jit-threads N`), or by default one per CPU. A module gets
  // one thread per 64 KiB of function bodies, so a small one is compiled
  // by the calling thread alone.
  static void set_compile_threads(unsigned n);
  static unsigned compile_threads();

  // Which function a code address belongs to, across all modules (for
  // backtraces). False if `pc` is not in compiled code.
  static bool lookup(uintptr_t pc, const ModuleCode** mc, uint32_t* func);
  // True if `pc` is a memory access of compiled code that may fault
  // because the guest's address is out of bounds (a FaultRange).
  // Async-signal-safe: called by the fault handler.
  static bool is_fault_site(uintptr_t pc);

  struct Fallback {
    uint32_t func;
    std::string reason;
  };
  struct Stats {
    uint32_t compiled = 0;
    uint32_t interpreted = 0;  // functions that fell back
    uint64_t code_bytes = 0;
    uint64_t wasm_bytes = 0;
    uint64_t compile_ns = 0;  // summed over the threads that compiled
    uint32_t threads = 1;     // the most threads one compile_all used
    std::vector<Fallback> fallbacks;
  };
  Stats stats() const;
  // The sum over every ModuleCode this OS process made, including those
  // already freed (fallbacks keep their reasons, at most 100 of them).
  static Stats totals();
  // Every ModuleCode alive (for `lvm run --jit-stats`).
  static std::vector<const ModuleCode*> all();
  // Where every function compiled from now on is written as assembly text
  // (`lvm run --jit-dump FILE`), or null (the default) for nowhere.
  static void set_dump(std::FILE* out);

 private:
  // Copies a compiled function's code into `arena`: its address, or null
  // (a fallback, or no executable memory, which `r` then says).
  static void* place(CompileResult& r, CodeArena& arena);
  // Publishes a function's code placed at `rx` (or, null, its fallback's
  // stub); mu_ held.
  const void* install(uint32_t func, CompileResult r, void* rx, uint64_t ns);
  // Emits the per-function stubs (`mov r11d, index; jmp stub`).
  bool make_stubs(const void* stub, std::vector<const void*>& out, const std::vector<uint32_t>& funcs);
  std::shared_ptr<const Module> module_;
  const CodeVariant variant_;
  CodeTable table_;
  std::unique_ptr<std::atomic<uint8_t>[]> state_;  // per defined function: 0 lazy, 1 compiled, 2 interpreted
  std::atomic<bool> all_compiled_{false};
  mutable std::mutex mu_;
  std::vector<void*> blocks_;  // executable blocks it owns, besides arena_'s
  CodeArena arena_{64 << 10, 16 << 10};  // for functions compiled one at a time; mu_ held
  std::vector<std::unique_ptr<FaultRange[]>> faults_;  // each compiled function's, by the code map
  Stats stats_;
};

}  // namespace lvm::jit
