// Runtime objects of the store (spec 4.2): function, table and global
// instances, and the interned signature ids used by call_indirect.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "loader/types.h"
#include "vm/host.h"

namespace lvm {

class Instance;

// A process-wide id for each distinct function type, so a signature check is
// one integer compare, across modules too. Thread-safe.
uint32_t intern_func_type(const FuncType& t);

// A function instance (spec 4.2.6): a function of some module instance, or a
// host function. A funcref value is a `const FuncInst*` (null = ref.null).
struct FuncInst {
  uint32_t type_id = 0;
  const FuncType* type = nullptr;
  Instance* instance = nullptr;          // owning instance (wasm functions)
  uint32_t index = 0;                    // index in that instance's module
  const HostFunction* host = nullptr;    // set for host functions
  // Host functions: the slots the parameters and results of `type` take, kept
  // here so the interpreter's call path reads one cache line.
  uint16_t host_params = 0, host_results = 0;  // in 64-bit slots (a v128 takes two)
  // Slots above the arguments a host call keeps from nested invocations.
  uint32_t host_frame_slots = 0;
  Trap (*host_direct)(HostCall&) = nullptr;  // HostFunction::direct
  // Makes this the function instance of host function `h`.
  void set_host(const HostFunction& h);
};

// A table instance (spec 4.2.7). Elements are references: `const FuncInst*`
// for funcref, an opaque host pointer for externref; null is nullptr.
struct TableInst {
  ValType elem = ValType::FuncRef;
  std::vector<void*> elems;
  std::optional<uint32_t> max;

  uint32_t size() const { return uint32_t(elems.size()); }
  // table.grow (spec 4.4.6.6): old size, or -1 beyond the maximum.
  int64_t grow(uint32_t delta, void* init);
};

// A global instance (spec 4.2.10). v128 uses both words.
struct GlobalInst {
  GlobalType type;
  uint64_t value[2] = {0, 0};
};

// An external value (spec 4.2.11): what an import needs and an export gives.
struct Extern {
  ExternKind kind = ExternKind::Func;
  const FuncInst* func = nullptr;
  std::shared_ptr<TableInst> table;
  std::shared_ptr<class LinearMemory> memory;
  std::shared_ptr<GlobalInst> global;
};

}  // namespace lvm
