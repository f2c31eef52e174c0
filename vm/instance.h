// A module instance (spec 4.2.5, instantiation 4.5.4): a Module's functions,
// tables, memories and globals made live, linked against imports.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "loader/module.h"
#include "vm/memory.h"
#include "vm/runtime.h"
#include "vm/trap.h"

namespace lvm {

class CodeCache;
class ModuleImage;
class Process;

// A function index space (spec 4.2.5 funcaddrs): owned by its instance, or
// shared with the module's image (every process of a module uses the same
// FuncInsts, whose `instance` is null: "the calling instance").
class FuncSpace {
 public:
  const FuncInst* operator[](size_t i) const { return data_[i]; }
  size_t size() const { return size_; }
  const FuncInst* const* data() const { return data_; }
  void push_back(const FuncInst* f) {
    own_.push_back(f);
    data_ = own_.data();
    size_ = own_.size();
  }
  // Uses `other`'s entries; `other` must outlive this.
  void share(const FuncSpace& other) {
    own_.clear();
    data_ = other.data_;
    size_ = other.size_;
  }

 private:
  const FuncInst* const* data_ = nullptr;
  size_t size_ = 0;
  std::vector<const FuncInst*> own_;
};

// Supplies the external value for an import of module `m`, or nullopt
// when nothing provides it.
using ImportResolver = std::function<std::optional<Extern>(const Module& m, const Import& imp)>;

// Why instantiation failed (spec 4.5.4): a link error (an import missing or
// of the wrong type) or a trap while initializing segments or in the start
// function.
struct InstantiateError {
  enum class Kind { Link, Trap } kind;
  Trap trap = Trap::None;
  std::string message;
  // After a trap: the partly initialized instance. Segments it already
  // wrote into imported tables may refer to its functions, so whoever keeps
  // those tables must keep it alive too (the spec's store never frees).
  std::shared_ptr<class Instance> partial;
};

// Per-instance settings.
struct InstanceConfig {
  bool run_start = true;                     // run the start function (spec 4.5.4 step 16)
  uint64_t max_memory_pages = kMaxMemoryPages;  // cap on every memory it defines (memory.grow fails beyond)
  // Memories whose initial size fits get a small pooled slot (vm/memory_pool.h)
  // instead of a guarded reservation, and may grow only within it: the
  // million-process layout, which compiled code reaches with explicit
  // bounds checks (the spec runner's jit-small mode tests that code).
  bool small_memory_slots = false;
  // Functions are created with a null `instance` ("the caller's"), to be
  // shared by every instance made from a ModuleImage. Only ModuleImage
  // sets this.
  bool contextual_functions = false;
};

class Instance {
 public:
  // Links and initializes a module (spec 4.5.4). On a trap during
  // initialization the error is returned; effects on imported tables and
  // memories that happened before the trap remain, as the spec says.
  static std::variant<std::unique_ptr<Instance>, InstantiateError> instantiate(
      std::shared_ptr<const Module> module, const ImportResolver& imports, const InstanceConfig& config = {});

  const Module& module() const { return *module_; }
  const std::shared_ptr<const Module>& module_ptr() const { return module_; }

  // The export named `name`, if any.
  std::optional<Extern> get_export(std::string_view name) const;

  // (What a call into the instance reads comes first, in two cache
  // lines: a process's first run finds its instance cold.)
  // Index spaces (imports first).
  FuncSpace funcs;
  CodeCache* code = nullptr;  // interpreter code for this module (shared)
  // The process running this instance, if it is one (host functions of the
  // lvm ABI find their caller's process here).
  Process* process = nullptr;
  // Set by a trap with a message (HostCall::trap) or by exit.
  int32_t exit_code = 0;
  // Compiled code's flat views of `globals` (each value's address) and
  // `tables`, built on the instance's first entry into compiled code
  // (which sets jit_ready).
  bool jit_ready = false;
  // The compiled code (jit::ModuleCode) its entries run, found on the
  // first (the memory mode it depends on never changes).
  void* jit_code = nullptr;
  std::vector<std::shared_ptr<LinearMemory>> memories;
  std::vector<uint64_t*> jit_globals;
  std::vector<TableInst*> jit_tables;
  std::vector<std::shared_ptr<GlobalInst>> globals;
  std::vector<std::shared_ptr<TableInst>> tables;
  std::vector<bool> dropped_elems;
  std::vector<bool> dropped_data;
  std::string trap_message;

  LinearMemory* memory0() const { return memories.empty() ? nullptr : memories[0].get(); }

 private:
  Instance() = default;
  std::shared_ptr<const Module> module_;
  // The functions it defines (none in a process's instance: those share
  // the image's). An array, not a deque: an empty std::deque still
  // allocates over 500 bytes, per process.
  std::unique_ptr<FuncInst[]> own_funcs_;
  std::shared_ptr<CodeCache> code_owner_;
  std::shared_ptr<const ModuleImage> image_;  // what it was made from, if an image
  friend class Instantiator;
  friend class ModuleImage;
};

}  // namespace lvm
