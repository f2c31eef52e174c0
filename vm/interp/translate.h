// Translation of one validated function body into interpreter code (see
// code.h). A single pass in the manner of a baseline compiler: an abstract
// operand stack records where each value lives (a fixed slot, a local, or a
// constant), so `local.get` and constants cost no instruction, results can
// be written straight into locals, and values are copied only where control
// flow merges. The module is validated: nothing here re-checks it.
#pragma once

#include "loader/module.h"
#include "vm/interp/code.h"

namespace lvm::interp {

// Translates defined function `func_index` of `m`.
CompiledFunction translate(const Module& m, uint32_t func_index);

}  // namespace lvm::interp
