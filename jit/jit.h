// The JIT's public face (brief section 3): an execution tier that runs
// every function as compiled x86-64 code, and its statistics.
#pragma once

#include <cstdio>
#include <string>

#include "vm/tier.h"

namespace lvm::jit {

// The JIT tier. `eager`: compile every function of a module before its
// first call runs (else each function on its first call).
ExecTier& tier(bool eager = false);

// True if this machine can run compiled code (x86-64, executable memory).
bool available();

// What --jit-stats prints: per module, functions compiled, code size,
// compile time and speed, and every function that fell back to the
// interpreter with the reason.
std::string stats_report();
// The same summed over every module compiled so far, freed ones included.
std::string totals_report();

// Writes every function compiled from now on to `out` as assembly text,
// with its index, name and memory mode (`lvm run --jit-dump`); null stops.
void set_dump(std::FILE* out);

// At most `n` threads compile a large module eagerly (`lvm run
// --jit-threads N`); the default is one per CPU.
void set_compile_threads(unsigned n);

}  // namespace lvm::jit
