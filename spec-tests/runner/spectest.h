// The `spectest` host module the testsuite imports (spec interpreter's
// host/spectest.ml): print functions that do nothing, four globals, a table
// and a memory.
#pragma once

#include <deque>
#include <optional>

#include "vm/instance.h"

namespace lvm::spec {

class Spectest {
 public:
  Spectest();
  // The export `field` of `spectest`, if it exists.
  std::optional<Extern> get(const std::string& field) const;

 private:
  std::deque<HostFunction> hosts_;
  std::deque<FuncInst> funcs_;
  std::shared_ptr<TableInst> table_;
  std::shared_ptr<LinearMemory> memory_;
  std::shared_ptr<GlobalInst> global_i32_, global_i64_, global_f32_, global_f64_;
};

}  // namespace lvm::spec
