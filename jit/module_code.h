// A module's compiled code (brief section 1: CompiledModule's JIT part),
// shared by every instance, process and thread of the module: one code
// pointer per function, which starts as a stub that compiles the function
// on its first call (or, eager, everything is compiled up front). A
// function the compiler cannot handle gets a stub into the interpreter,
// and is counted with the reason.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "loader/module.h"
#include "vm/interpreter.h"

namespace lvm::jit {

class ModuleCode final : public CodeCache::TierData {
 public:
  explicit ModuleCode(std::shared_ptr<const Module> m);
  ~ModuleCode() override;

  // The module's code of `cache`, made on first use.
  static ModuleCode& of(CodeCache& cache);

  const Module& module() const { return *module_; }
  // Code pointers by function index (imports: null), read by compiled code.
  void* const* table() const { return table_.get(); }
  // Compiles function `func` now if it is not yet; returns its entry (its
  // code, or the interpreter stub when it cannot be compiled).
  const void* compile(uint32_t func);
  void compile_all();

  // Which function a code address belongs to, across all modules (for
  // backtraces). False if `pc` is not in compiled code.
  static bool lookup(uintptr_t pc, const ModuleCode** mc, uint32_t* func);

  struct Fallback {
    uint32_t func;
    std::string reason;
  };
  struct Stats {
    uint32_t compiled = 0;
    uint32_t interpreted = 0;  // functions that fell back
    uint64_t code_bytes = 0;
    uint64_t wasm_bytes = 0;
    uint64_t compile_ns = 0;
    std::vector<Fallback> fallbacks;
  };
  Stats stats() const;
  // The sum over every ModuleCode this OS process made, including those
  // already freed (fallbacks keep their reasons, at most 100 of them).
  static Stats totals();
  // Every ModuleCode alive (for `lvm run --jit-stats`).
  static std::vector<const ModuleCode*> all();

 private:
  // Emits the per-function stubs (`mov r11d, index; jmp [ctx + stub]`).
  bool make_stubs(int32_t stub_off, std::vector<const void*>& out, const std::vector<uint32_t>& funcs);
  std::shared_ptr<const Module> module_;
  std::unique_ptr<void*[]> table_;
  std::unique_ptr<std::atomic<uint8_t>[]> state_;  // per defined function: 0 lazy, 1 compiled, 2 interpreted
  mutable std::mutex mu_;
  std::vector<void*> blocks_;  // executable blocks it owns
  Stats stats_;
};

}  // namespace lvm::jit
